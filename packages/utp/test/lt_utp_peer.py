#!/usr/bin/python3
"""A uTP-only python3-libtorrent seeder on 127.0.0.1 (--host ::1 for IPv6), for the uTP interop tests.

  lt_utp_peer.py --torrent FILE --save DIR
      checks the data, then prints {"event":"seeding","port":N} (uTP listens on UDP port N);
  lt_utp_peer.py --torrent FILE --save DIR --leech PORT
      downloads from 127.0.0.1:PORT over uTP, prints {"event":"finished","seconds":S} (for benchmarks);
      stdin "connect PORT" lines make it dial 127.0.0.1:PORT over uTP; it exits when stdin closes.
      Prints {"event":"peer","message":...} for peer connect/disconnect alerts.
TCP is off both ways (shared/docs/interop.md); DHT, LSD, UPnP and NAT-PMP are off; it dials
without encryption (out_enc_policy 2).
"""
import argparse
import json
import sys
import threading
import time

import libtorrent as lt


def emit(event, **fields):
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--torrent", required=True)
    parser.add_argument("--save", required=True)
    parser.add_argument("--leech", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1", help="listen (and dial) on this loopback address")
    parser.add_argument("--no-dial", action="store_true", help="never connect out: peers reach it only by dialling its port (a test relay stays the one path)")
    args = parser.parse_args()
    host = args.host
    listen = ("[%s]" % host if ":" in host else host) + ":0"

    ses = lt.session({
        "listen_interfaces": listen,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_incoming_tcp": False,
        "enable_outgoing_tcp": False,
        "enable_incoming_utp": True,
        "enable_outgoing_utp": not args.no_dial,
        "allow_multiple_connections_per_ip": True,
        # Plaintext when it dials: the test reads its BitTorrent handshake (MSE would come first).
        "out_enc_policy": 2,
        "upload_rate_limit": 0,
        "download_rate_limit": 0,
        "send_buffer_watermark": 8 * 1024 * 1024,
        "max_out_request_queue": 1500,
        "alert_mask": lt.alert.category_t.all_categories,
    })
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(args.torrent)
    atp.save_path = args.save
    handle = ses.add_torrent(atp)
    if args.leech:
        return leech(handle, host, args.leech)

    deadline = time.time() + 60
    while True:
        st = handle.status()
        if st.state not in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
            if not st.is_seeding:
                emit("error", message="data incomplete")
                return 1
            break
        if time.time() > deadline:
            emit("error", message="checking took too long")
            return 1
        time.sleep(0.05)
    emit("seeding", port=ses.listen_port())

    stop = threading.Event()
    requests = []

    def watch_stdin():
        for line in sys.stdin:
            words = line.split()
            if len(words) == 2 and words[0] == "connect":
                requests.append(int(words[1]))
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while not stop.is_set():
        while requests:
            handle.connect_peer((host, requests.pop(0)))
        for alert in ses.pop_alerts():
            if isinstance(alert, (lt.peer_connect_alert, lt.peer_disconnected_alert, lt.peer_error_alert, lt.incoming_connection_alert)):
                emit("peer", message=alert.message())
        time.sleep(0.05)
    return 0


def leech(handle, host, port):
    checking = (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
    while handle.status().state in checking:
        time.sleep(0.01)
    start = time.time()
    handle.connect_peer((host, port))
    last_connect = start
    last_report = start
    while not handle.status().is_seeding:
        if time.time() - last_report > 1:
            st = handle.status()
            emit("progress", progress=st.progress, peers=st.num_peers, rate=st.download_rate)
            last_report = time.time()
        if time.time() - last_connect > 5:
            handle.connect_peer((host, port))
            last_connect = time.time()
        if time.time() - start > 600:
            emit("error", message="download took too long")
            return 1
        time.sleep(0.005)
    emit("finished", seconds=time.time() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
