# A libtorrent DHT node on 127.0.0.1 for the interop test, driven by lines on stdin and reporting JSON
# lines on stdout. Commands: "announce <hex>" (adds a magnet for the info-hash, so libtorrent announces
# it on its listen port; Debian's bindings do not expose dht_announce's flags), "get_peers <hex>",
# "nodes". Exits when stdin closes.
# Settings from shared/docs/interop.md: libtorrent drops loopback nodes unless told not to.
import json, queue, sys, tempfile, threading, warnings
import libtorrent as lt

warnings.simplefilter('ignore', DeprecationWarning)  # session.status() is enough here

def out(**event):
    print(json.dumps(event), flush=True)

args = sys.argv[1:]
bootstrap = [a for a in args if ':' in a]
settings = {
    'listen_interfaces': '127.0.0.1:0',
    'enable_dht': True, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
    'dht_ignore_dark_internet': False, 'dht_prefer_verified_node_ids': False,
    'dht_bootstrap_nodes': ','.join(bootstrap),
    'alert_mask': lt.alert.category_t.all_categories,
}
ses = lt.session(settings)
for b in bootstrap:
    host, port = b.rsplit(':', 1)
    ses.add_dht_node((host, int(port)))

commands = queue.Queue()
def read_stdin():
    for line in sys.stdin:
        commands.put(line.strip())
    commands.put(None)
threading.Thread(target=read_stdin, daemon=True).start()

listening = False
while True:
    ses.wait_for_alert(50)
    for a in ses.pop_alerts():
        if isinstance(a, lt.listen_succeeded_alert) and not listening and a.socket_type == lt.socket_type_t.udp:
            listening = True
            out(event='listening', port=a.port)
        elif isinstance(a, lt.dht_announce_alert):
            out(event='incoming_announce', infoHash=str(a.info_hash), port=a.port)
        elif isinstance(a, lt.dht_get_peers_reply_alert):
            out(event='peers', infoHash=str(a.info_hash), peers=['%s:%d' % p for p in a.peers()])
    stop = False
    while not commands.empty():
        line = commands.get()
        if line is None:
            stop = True
            break
        parts = line.split()
        if not parts:
            continue
        if parts[0] == 'announce':
            params = lt.parse_magnet_uri('magnet:?xt=urn:btih:' + parts[1])
            params.save_path = tempfile.mkdtemp(prefix='lt-dht-')
            ses.add_torrent(params).force_dht_announce()
        elif parts[0] == 'get_peers':
            ses.dht_get_peers(lt.sha1_hash(bytes.fromhex(parts[1])))
        elif parts[0] == 'nodes':
            out(event='nodes', count=ses.status().dht_nodes)
    if stop:
        break
out(event='stopped')
