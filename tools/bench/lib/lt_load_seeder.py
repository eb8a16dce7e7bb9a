#!/usr/bin/python3
"""The libtorrent side of the load benchmark (tools/bench/load.mjs): one python3-libtorrent session
seeding every .torrent in a folder (and the big torrent the leechers fetch), with the same protocol
as load-seeder.mjs: JSON lines on stdout, "start"/"stop" on stdin (a window; no event loop to
measure here), EOF exits at once.

Settings as testkit/python/lt_peer.py (loopback only, TCP only, no DHT/LSD/UPnP/NAT-PMP, several
connections per IP), plus: no queueing (every torrent seeds, as typetorrent's do), the connection
limit and unchoke slots the parent asks for (slots -1: unlimited).

  lt_load_seeder.py '{"torrents":DIR,"data":DIR,"big":{"torrent":FILE,"data":DIR}|null,"slots":N|null,"maxConnections":N}'
"""
import json
import os
import sys
import time

import libtorrent as lt


def emit(event, **fields):
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    config = json.loads(sys.argv[1])
    settings = {
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "upload_rate_limit": 0,
        "download_rate_limit": 0,
        "active_downloads": -1,
        "active_seeds": -1,
        "active_limit": -1,
        "connections_limit": config["maxConnections"],
        # Node listens with a backlog of 511; libtorrent's default of 5 drops leechers that connect at once.
        "listen_queue_size": 511,
        # LT_LOAD_DEBUG=1: peer alerts (why leechers were disconnected) on stderr.
        "alert_mask": lt.alert.category_t.error_notification | (lt.alert.category_t.peer_notification if os.environ.get("LT_LOAD_DEBUG") else 0),
    }
    if config["slots"] is not None:
        settings["unchoke_slots_limit"] = config["slots"]
    ses = lt.session(settings)
    started = time.monotonic()
    jobs = []
    folder = config["torrents"]
    if os.path.isdir(folder):
        jobs += [(os.path.join(folder, name), config["data"]) for name in sorted(os.listdir(folder)) if name.endswith(".torrent")]
    if config["big"] is not None:
        jobs.append((config["big"]["torrent"], config["big"]["data"]))
    for torrent, save in jobs:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(torrent)
        atp.save_path = save
        atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
        ses.async_add_torrent(atp)
    # Every torrent added and none left that is not seeding (checking, or not added yet).
    while True:
        ses.pop_alerts()
        handles = ses.get_torrents()
        if len(handles) == len(jobs) and not ses.get_torrent_status(lambda s: not s.is_seeding, 0):
            break
        errors = ses.get_torrent_status(lambda s: s.errc.value() != 0, 0)
        if errors:
            emit("error", message=errors[0].errc.message())
            return 1
        time.sleep(0.1)
    emit("seeding", port=ses.listen_port(), count=len(jobs), seeding=len(jobs), seconds=time.monotonic() - started)
    for line in sys.stdin:
        command = line.strip()
        for alert in ses.pop_alerts():
            if os.environ.get("LT_LOAD_DEBUG"):
                sys.stderr.write(alert.message() + "\n")
        if command == "stop":
            emit("window")
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
