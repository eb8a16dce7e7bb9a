#!/usr/bin/python3
"""A python3-libtorrent peer whose only peer sources are its DHT and/or LSD, for interop tests.

  lt_discovery_peer.py --save DIR [--bootstrap HOST:PORT ...] [--lsd] (--magnet URI | --torrent FILE --seed)

No trackers, no UPnP/NAT-PMP, TCP only, listening on 127.0.0.1. With --bootstrap the DHT joins through
those nodes with the loopback settings of shared/docs/interop.md (libtorrent drops 127.0.0.1 nodes
unless told not to); without, no DHT. --lsd turns Local Service Discovery (BEP 14) on: multicast, so
run it in a network namespace of its own. JSON lines on stdout: {"event":"listening","port":N}; a
seeder checks its data, prints {"event":"seeding","port":N} and announces itself to the DHT; with
--lsd, {"event":"lsd_announced"} once libtorrent has sent its first LSD announce and
{"event":"lsd_heard","address":"HOST:PORT","infoHash":HEX} for each announce of another client it
accepts (from libtorrent's session log); a leecher prints
{"event":"peer","address":"HOST:PORT"} for each peer it talks to, {"event":"metadata"} once a
magnet's metadata is in and {"event":"finished"} once complete. Stops when stdin closes.
"""
import argparse
import json
import re
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
    parser.add_argument("--lsd", action="store_true")
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
        "enable_dht": len(args.bootstrap) > 0,
        "enable_lsd": args.lsd,
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
        # The session log tells when an LSD announce went out.
        "alert_mask": lt.alert.category_t.error_notification | (lt.alert.category_t.session_log_notification if args.lsd else 0),
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
    lsd_announced = False
    while not stop.is_set():
        for alert in ses.pop_alerts():
            if not isinstance(alert, lt.log_alert):
                continue
            message = alert.message()
            if not lsd_announced and message.startswith("==> LSD:"):
                lsd_announced = True
                emit("lsd_announced")
            # "<== LSD: 127.0.0.1:41621 ih: <hex>": an announce from another client, read and accepted.
            heard = re.match(r"<== LSD: (\S+) ih: ([0-9a-f]{40})", message)
            if heard is not None:
                emit("lsd_heard", address=heard.group(1), infoHash=heard.group(2))
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
