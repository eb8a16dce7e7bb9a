#!/usr/bin/python3
"""The libtorrent side of the load benchmark (tools/bench/load.mjs): one python3-libtorrent session
seeding every .torrent in a folder (and the big torrent the leechers fetch), with the same protocol
as load-seeder.mjs: JSON lines on stdout, "start"/"stop" on stdin (a window; no event loop to
measure here), EOF exits at once.

Settings as testkit/python/lt_peer.py (loopback only, TCP only, no DHT/LSD/UPnP/NAT-PMP, several
connections per IP), plus: no queueing (every torrent seeds, as typetorrent's do), the connection
limit and unchoke slots the parent asks for (slots -1: unlimited), and loopback peers held to those
slots (libtorrent's local peer class would unchoke them all).

Resume data ("resume": {"dir": DIR, "save": bool}), the way a client restarts (qBittorrent keeps a
.torrent and a .fastresume per torrent): each torrent whose `<dir>/<name of its .torrent>.resume`
exists is added from it (lt.read_resume_data, the torrent_info from the .torrent file); with "save",
the command "save" asks every torrent for its resume data (save_resume_data_alert), writes each with
lt.write_resume_data_buf, prints {"event":"saved","count"} and exits.

  lt_load_seeder.py '{"torrents":DIR,"data":DIR,"big":{"torrent":FILE,"data":DIR}|null,"slots":N|null,"maxConnections":N,"resume":{...}|null}'
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


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def resume_path(folder, torrent):
    return os.path.join(folder, os.path.basename(torrent) + ".resume")


def save_all(ses, names, folder):
    """Resume data of every torrent, written next to each other in `folder`; returns how many."""
    os.makedirs(folder, exist_ok=True)
    handles = ses.get_torrents()
    for handle in handles:
        handle.save_resume_data()
    written = 0
    failed = 0
    while written + failed < len(handles):
        if ses.wait_for_alert(30000) is None:
            raise RuntimeError("no resume data within 30 s (%d of %d written)" % (written, len(handles)))
        for alert in ses.pop_alerts():
            if isinstance(alert, lt.save_resume_data_alert):
                path = resume_path(folder, names[str(alert.handle.info_hash())])
                with open(path + ".tmp", "wb") as f:
                    f.write(lt.write_resume_data_buf(alert.params))
                os.replace(path + ".tmp", path)
                written += 1
            elif isinstance(alert, lt.save_resume_data_failed_alert):
                failed += 1
    if failed:
        raise RuntimeError("%d torrents failed to save resume data" % failed)
    return written


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
    resume = config.get("resume")
    saving = resume is not None and resume["save"]
    if saving:
        # One save_resume_data_alert per torrent, all at once: room for them (not set when measuring).
        settings["alert_queue_size"] = 50000
        settings["alert_mask"] |= lt.alert.category_t.storage_notification
    ses = lt.session(settings)
    # Loopback peers are in libtorrent's "local" peer class, which ignores unchoke slots (every local
    # peer is unchoked whatever unchoke_slots_limit says): here they count against the slots as
    # peers from the internet do, so `--slots default` gives libtorrent its 8 slots.
    local = ses.get_peer_class(ses.local_peer_class_id)
    local["ignore_unchoke_slots"] = False
    ses.set_peer_class(ses.local_peer_class_id, local)
    started = time.monotonic()
    jobs = []
    folder = config["torrents"]
    if os.path.isdir(folder):
        jobs += [(os.path.join(folder, name), config["data"]) for name in sorted(os.listdir(folder)) if name.endswith(".torrent")]
    if config["big"] is not None:
        jobs.append((config["big"]["torrent"], config["big"]["data"]))
    names = {}
    loaded = 0
    for torrent, save in jobs:
        record = None
        if resume is not None and not saving:
            record = resume_path(resume["dir"], torrent)
            record = read_bytes(record) if os.path.exists(record) else None
        atp = lt.read_resume_data(record) if record is not None else lt.add_torrent_params()
        loaded += record is not None
        atp.ti = lt.torrent_info(torrent)
        atp.save_path = save
        atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
        names[str(atp.ti.info_hash())] = torrent
        ses.async_add_torrent(atp)
    # Every torrent added and none left that is not seeding (checking, or not added yet).
    rejected = 0  # resume records libtorrent did not trust (it checks those torrents instead)
    while True:
        rejected += sum(isinstance(alert, lt.fastresume_rejected_alert) for alert in ses.pop_alerts())
        handles = ses.get_torrents()
        if len(handles) == len(jobs) and not ses.get_torrent_status(lambda s: not s.is_seeding, 0):
            break
        errors = ses.get_torrent_status(lambda s: s.errc.value() != 0, 0)
        if errors:
            emit("error", message=errors[0].errc.message())
            return 1
        time.sleep(0.1)
    emit("seeding", port=ses.listen_port(), count=len(jobs), seeding=len(jobs), seconds=time.monotonic() - started, loaded=loaded, rejected=rejected)
    for line in sys.stdin:
        command = line.strip()
        if command == "save" and saving:
            emit("saved", count=save_all(ses, names, resume["dir"]))
            os._exit(0)
        for alert in ses.pop_alerts():
            if os.environ.get("LT_LOAD_DEBUG"):
                sys.stderr.write(alert.message() + "\n")
        if command == "stop":
            emit("window")
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
