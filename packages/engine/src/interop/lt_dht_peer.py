#!/usr/bin/python3
"""A python3-libtorrent peer whose only peer source is its DHT, on loopback, for interop tests.

  lt_dht_peer.py --save DIR --bootstrap HOST:PORT [--bootstrap ...] (--magnet URI | --torrent FILE --seed)

No trackers, no LSD/UPnP/NAT-PMP, TCP only; the DHT joins through the --bootstrap nodes with the
loopback settings of shared/docs/interop.md (libtorrent drops 127.0.0.1 nodes unless told not to).
JSON lines on stdout: {"event":"listening","port":N}; a seeder checks its data, prints
{"event":"seeding","port":N} and announces itself to the DHT; a leecher prints {"event":"peer",
"address":"HOST:PORT"} for each peer it talks to, {"event":"metadata"} once a magnet's metadata is in
and {"event":"finished"} once complete. Stops when stdin closes.
"""
import argparse
import json
import sys
import threading
import time

import libtorrent as lt

stop = threading.Event()


def emit(event, **fields):
    fields["event"] = event
    try:
        sys.stdout.write(json.dumps(fields) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        stop.set()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--save", required=True)
    parser.add_argument("--bootstrap", action="append", default=[])
    parser.add_argument("--magnet")
    parser.add_argument("--torrent")
    parser.add_argument("--seed", action="store_true")
    args = parser.parse_args()

    def watch_stdin():
        for _ in sys.stdin:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()

    ses = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": True,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_ignore_dark_internet": False,
        "dht_prefer_verified_node_ids": False,
        "dht_bootstrap_nodes": ",".join(args.bootstrap),
        "alert_mask": lt.alert.category_t.error_notification,
    })
    for node in args.bootstrap:
        host, _, port = node.rpartition(":")
        ses.add_dht_node((host, int(port)))

    if args.magnet is not None:
        atp = lt.parse_magnet_uri(args.magnet)
    else:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(args.torrent)
    atp.save_path = args.save
    handle = ses.add_torrent(atp)
    port = ses.listen_port()
    emit("listening", port=port)

    checking = (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
    seeding = False
    metadata = False
    finished = False
    seen = set()
    while not stop.is_set():
        st = handle.status()
        if st.errc.value() != 0:
            emit("error", message=st.errc.message())
            return 1
        if args.seed and not seeding and st.state not in checking:
            if not st.is_seeding:
                emit("error", message="data under %s is incomplete (%.1f%%)" % (args.save, st.progress * 100))
                return 1
            seeding = True
            emit("seeding", port=port)
            handle.force_dht_announce()
        if not args.seed:
            for peer in handle.get_peer_info():
                address = "%s:%d" % peer.ip
                if address not in seen:
                    seen.add(address)
                    emit("peer", address=address)
            if not metadata and st.has_metadata:
                metadata = True
                emit("metadata")
            if not finished and st.is_seeding:
                finished = True
                emit("finished", totalDownload=st.total_payload_download)
        stop.wait(0.05)
    ses.pause()
    emit("stopped")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # report, so the parent sees why instead of a bare exit code
        emit("error", message="%s: %s" % (type(error).__name__, error))
        sys.exit(1)
