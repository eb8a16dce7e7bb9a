// The loopback swarm every client downloads from: deterministic data, a .torrent announcing to
// opentracker (HTTP), and a python3-libtorrent seeder that has checked the data.
import fs from 'node:fs';
import path from 'node:path';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { startOpentracker, startLibtorrentSeeder } from '@typetorrent/testkit';
import { fingerprint } from './verify.mjs';

const CHUNK = 4 << 20;

/** Writes `bytes` of deterministic data (xorshift32 stream) to `file`, reusing it if already there. */
function writeData(file, bytes, seed) {
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const buf = new Uint8Array(CHUNK);
  const words = new Uint32Array(buf.buffer);
  let x = seed >>> 0 || 1;
  for (let written = 0; written < bytes; ) {
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      words[i] = x;
    }
    const n = Math.min(CHUNK, bytes - written);
    fs.writeSync(fd, buf, 0, n);
    written += n;
  }
  fs.closeSync(fd);
}

/** A single large file: the main download benchmark. */
export function makeSingleFile(workDir, sizeMiB) {
  const dir = path.join(workDir, `single-${sizeMiB}m`);
  const file = path.join(dir, `bench-${sizeMiB}MiB.bin`);
  writeData(file, sizeMiB << 20, 7);
  return { seedDir: dir, sourcePath: file, pieceLength: 1 << 20 };
}

/** Hundreds of small files of odd sizes in nested folders, one zero-length. */
export function makeManyFiles(workDir, count) {
  const dir = path.join(workDir, `many-${count}`);
  const root = path.join(dir, `many-files-${count}`);
  for (let i = 0; i < count; i++) {
    const size = i === 0 ? 0 : 1000 + ((i * 104_729) % 400_000);
    writeData(path.join(root, `d${i % 13}`, `f${String(i).padStart(4, '0')}.dat`), size, i + 11);
  }
  return { seedDir: dir, sourcePath: root, pieceLength: 256 << 10 };
}

/**
 * Starts opentracker and a libtorrent seeder for `data`; returns the torrent path, the expected
 * output fingerprint and a stop function. `encryption: 'require'` makes the seeder refuse plaintext
 * peers and RC4-encrypt every connection (MSE).
 */
export async function startSwarm(data, workDir, { encryption } = {}) {
  const tracker = await startOpentracker({ infoHashes: [] });
  const { torrent, metainfo } = await createTorrentFromPath(data.sourcePath, {
    trackers: [[tracker.httpAnnounceUrl]],
    pieceLength: data.pieceLength,
    createdBy: 'typetorrent bench',
  });
  const torrentPath = path.join(workDir, `${path.basename(data.sourcePath)}.torrent`);
  fs.writeFileSync(torrentPath, torrent);
  await tracker.allow(metainfo.infoHashHex);
  const seeder = await startLibtorrentSeeder({ torrentPath, savePath: data.seedDir, startTimeoutMs: 600_000, ...(encryption === undefined ? {} : { encryption }) });
  const expected = await fingerprint(data.sourcePath);
  return {
    torrentPath,
    metainfo,
    tracker,
    seeder,
    expected,
    outputName: path.basename(data.sourcePath),
    async stop() {
      await seeder.stop();
      await tracker.stop();
    },
  };
}
