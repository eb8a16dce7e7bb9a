#!/usr/bin/python3
"""A python3-libtorrent peer on loopback, for interop tests and benchmarks.

Talks to its parent through JSON lines on stdout (one event per line) and stops cleanly when its
stdin closes or it gets SIGTERM. Settings follow shared/docs/interop.md: listen on 127.0.0.1 only,
no DHT/LSD/UPnP/NAT-PMP, TCP only (uTP off both ways), several connections per IP allowed, no rate
limits, larger send buffers and request queues.

  lt_peer.py make-torrent --source PATH --out FILE [--piece-size BYTES]
      prints {"event":"torrent","infoHash":"<hex v1>","pieces":N,"pieceSize":N,"metadataSize":N}
  lt_peer.py run --torrent FILE --save DIR [--port N] [--seed] [--peer HOST:PORT ...]
      --seed: check the data, then print {"event":"seeding","port":N}; incomplete data is an error.
      stdin: "connect HOST:PORT" lines make it dial that peer (both modes).
      without --seed: print {"event":"listening","port":N}, connect to the --peer addresses, print
      {"event":"progress",...} twice a second and {"event":"finished"} once complete (it then seeds).
      --encryption require|disable|default: require = MSE with RC4 only, both ways, plaintext peers
      refused; disable = no MSE at all, both ways; default = libtorrent's own (MSE offered and
      accepted, plaintext too).
"""
import argparse
import json
import signal
import sys
import threading
import time

import libtorrent as lt


# Set by SIGTERM, by stdin closing, or by stdout going away: each means the parent is done with us.
stop = threading.Event()


def emit(event, **fields):
    fields["event"] = event
    try:
        sys.stdout.write(json.dumps(fields) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        stop.set()


def make_torrent(args):
    fs = lt.file_storage()
    lt.add_files(fs, args.source)
    if fs.num_files() == 0:
        raise SystemExit("no files under " + args.source)
    # v1 only: the TypeTorrent codecs speak BEP 3 info-hashes.
    ct = lt.create_torrent(fs, args.piece_size, flags=lt.create_torrent.v1_only)
    ct.set_creator("typetorrent testkit")
    parent = args.source.rsplit("/", 1)[0] if "/" in args.source else "."
    lt.set_piece_hashes(ct, parent)
    data = lt.bencode(ct.generate())
    with open(args.out, "wb") as f:
        f.write(data)
    ti = lt.torrent_info(args.out)
    emit(
        "torrent",
        infoHash=str(ti.info_hashes().v1),
        pieces=ti.num_pieces(),
        pieceSize=ti.piece_length(),
        metadataSize=len(ti.info_section()),
        totalSize=ti.total_size(),
    )


# Message Stream Encryption policies (shared/docs/interop.md): 0 = forced, 1 = enabled, 2 = disabled;
# allowed_enc_level 1 = plaintext, 2 = RC4, 3 = both.
ENCRYPTION = {
    "require": {"in_enc_policy": 0, "out_enc_policy": 0, "allowed_enc_level": 2, "prefer_rc4": True},
    "disable": {"in_enc_policy": 2, "out_enc_policy": 2, "allowed_enc_level": 1},
    "default": {},
}


def session_settings(port, encryption="default"):
    return {
        **ENCRYPTION[encryption],
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "upload_rate_limit": 0,
        "download_rate_limit": 0,
        "send_buffer_watermark": 8 * 1024 * 1024,
        "send_buffer_low_watermark": 1024 * 1024,
        "max_out_request_queue": 1500,
        "alert_mask": lt.alert.category_t.error_notification,
    }


def run(args):
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    connect_requests = []

    def watch_stdin():
        # "connect HOST:PORT" lines ask us to dial a peer (a client that ignores loopback peers from
        # trackers, like transmission, must be dialled); EOF means the parent is gone or done with us.
        for line in sys.stdin:
            words = line.split()
            if len(words) == 2 and words[0] == "connect":
                host, _, peer_port = words[1].rpartition(":")
                connect_requests.append((host, int(peer_port)))
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()

    ses = lt.session(session_settings(args.port, args.encryption))
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(args.torrent)
    atp.save_path = args.save
    handle = ses.add_torrent(atp)
    port = ses.listen_port()
    if port == 0:
        emit("error", message="could not listen on 127.0.0.1:%d" % args.port)
        return 1

    checking = (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
    if args.seed:
        while not stop.is_set():
            st = handle.status()
            if st.errc.value() != 0:
                emit("error", message=st.errc.message())
                return 1
            if st.state not in checking:
                if not st.is_seeding:
                    emit("error", message="data under %s is incomplete (%.1f%%)" % (args.save, st.progress * 100))
                    return 1
                emit("seeding", port=port)
                break
            time.sleep(0.05)
    else:
        emit("listening", port=port)
        for address in args.peer:
            host, _, peer_port = address.rpartition(":")
            handle.connect_peer((host, int(peer_port)))

    finished = args.seed
    last_progress = 0.0
    while not stop.is_set():
        while connect_requests:
            handle.connect_peer(connect_requests.pop(0))
        st = handle.status()
        if st.errc.value() != 0:
            emit("error", message=st.errc.message())
            return 1
        now = time.monotonic()
        if not args.seed and now - last_progress >= 0.5:
            last_progress = now
            emit(
                "progress",
                progress=st.progress,
                downloadRate=st.download_payload_rate,
                uploadRate=st.upload_payload_rate,
                peers=st.num_peers,
                state=str(st.state),
            )
        if not finished and st.is_seeding:
            finished = True
            emit("finished", totalDownload=st.total_payload_download)
        stop.wait(0.05)

    ses.pause()
    emit("stopped")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make-torrent")
    mk.add_argument("--source", required=True)
    mk.add_argument("--out", required=True)
    mk.add_argument("--piece-size", type=int, default=256 * 1024)
    rn = sub.add_parser("run")
    rn.add_argument("--torrent", required=True)
    rn.add_argument("--save", required=True)
    rn.add_argument("--port", type=int, default=0)
    rn.add_argument("--seed", action="store_true")
    rn.add_argument("--peer", action="append", default=[])
    rn.add_argument("--encryption", choices=sorted(ENCRYPTION), default="default")
    args = parser.parse_args()
    try:
        if args.command == "make-torrent":
            make_torrent(args)
            return 0
        return run(args)
    except Exception as error:  # report, so the parent sees why instead of a bare exit code
        emit("error", message="%s: %s" % (type(error).__name__, error))
        return 1


if __name__ == "__main__":
    sys.exit(main())
