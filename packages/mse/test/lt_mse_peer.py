#!/usr/bin/python3
"""A python3-libtorrent seeder that requires MSE both ways, for the MSE interop test.

Settings from shared/docs/interop.md: in_enc_policy/out_enc_policy 0 (forced); allowed_enc_level 2
(RC4 only) in mode "rc4", 1 (plaintext payload only) in mode "plaintext"; 127.0.0.1 only, TCP only,
no DHT/LSD/UPnP/NAT-PMP. It makes a small torrent of its own in DIR, seeds it and prints one JSON
line {"port": N, "infoHash": "<hex>"}. Lines on stdin of the form "connect HOST:PORT" make it dial a
peer (through MSE, since it is forced). EOF stops it.

  lt_mse_peer.py DIR [rc4|plaintext]
"""
import json
import os
import sys
import threading
import time

import libtorrent as lt


def main():
    folder = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "rc4"
    data_path = os.path.join(folder, "data.bin")
    with open(data_path, "wb") as f:
        f.write(bytes((i * 7) & 0xFF for i in range(200000)))
    fs = lt.file_storage()
    lt.add_files(fs, data_path)
    ct = lt.create_torrent(fs, 16384 * 4, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(ct, folder)
    ti = lt.torrent_info(lt.bencode(ct.generate()))

    ses = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "in_enc_policy": 0,
        "out_enc_policy": 0,
        "allowed_enc_level": 2 if mode == "rc4" else 1,
        "alert_mask": 0,
    })
    atp = lt.add_torrent_params()
    atp.ti = ti
    atp.save_path = folder
    handle = ses.add_torrent(atp)
    deadline = time.monotonic() + 30
    while not handle.status().is_seeding:
        if time.monotonic() > deadline:
            print(json.dumps({"error": "not seeding after 30 s"}), flush=True)
            return 1
        time.sleep(0.05)
    print(json.dumps({"port": ses.listen_port(), "infoHash": str(ti.info_hashes().v1)}), flush=True)

    for line in sys.stdin:
        words = line.split()
        if len(words) == 2 and words[0] == "connect":
            host, _, port = words[1].rpartition(":")
            handle.connect_peer((host, int(port)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
