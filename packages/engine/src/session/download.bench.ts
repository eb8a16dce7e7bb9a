/**
 * Loopback transfer speed, outside the test run (tests assert behaviour, never time). Run from
 * packages/engine (the bundle must sit one folder below a link to testkit's python folder):
 *
 *   mkdir -p /tmp/tt-bench/out && ln -sfn "$PWD/../testkit/python" /tmp/tt-bench/python
 *   npx esbuild src/session/download.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@typetorrent/source --outfile=/tmp/tt-bench/out/bench.mjs
 *   node /tmp/tt-bench/out/bench.mjs [MiB=256] [leecher: file|null|lt] [seeder: lt|ours] [files=1]
 *
 * Prints MB/s for one download of a single-file torrent (1 MiB pieces; with files > 1 a folder of that
 * many files, 256 KiB pieces) by our client from a
 * python3-libtorrent seeder (lt) or from our own seeding session (ours), into FileStorage or
 * NullStorage (no disk writes: everything above the disk, hashing included); `lt ours` measures our
 * seeder with a python3-libtorrent leecher instead.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NullStorage } from '@typetorrent/storage';
import { deterministicBytes, makeLibtorrentTorrent, makeTempDir, removeTempDir, startLibtorrentPeer, startLibtorrentSeeder } from '@typetorrent/testkit';
import { Session } from './session.js';

const mib = Number(process.argv[2] ?? 256);
const storage = process.argv[3] ?? 'file';
const seederKind = process.argv[4] ?? 'lt';
const fileCount = Number(process.argv[5] ?? 1);
const work = await makeTempDir('typetorrent-bench-');
try {
  const source = path.join(work, 'seed');
  await fs.mkdir(source);
  const chunk = deterministicBytes(16 * 1024 * 1024, 5);
  let sourcePath: string;
  if (fileCount > 1) {
    // Many files of uneven sizes (a folder torrent with 256 KiB pieces, as the root benchmark uses).
    sourcePath = path.join(source, 'payload');
    await fs.mkdir(sourcePath);
    const total = mib * 1024 * 1024;
    let left = total;
    for (let i = 0; i < fileCount; i++) {
      const size = i === fileCount - 1 ? left : Math.min(left, Math.floor(((i % 7) + 1) * (total / fileCount / 4)));
      left -= size;
      await fs.writeFile(path.join(sourcePath, `f${i}.bin`), chunk.subarray(0, size));
    }
  } else {
    sourcePath = path.join(source, 'payload.bin');
    const handle = await fs.open(sourcePath, 'w');
    for (let written = 0; written < mib * 1024 * 1024; written += chunk.length) {
      await handle.write(chunk.subarray(0, Math.min(chunk.length, mib * 1024 * 1024 - written)));
    }
    await handle.close();
  }
  const torrentPath = path.join(work, 'payload.torrent');
  await makeLibtorrentTorrent({ sourcePath, torrentPath, pieceSize: fileCount > 1 ? 256 * 1024 : 1024 * 1024 });
  const torrentBytes = await fs.readFile(torrentPath);

  let stopSeeder: () => Promise<void>;
  let seederPort: number;
  if (seederKind === 'ours') {
    const seeder = new Session({ port: 0, host: '127.0.0.1' });
    await (await seeder.add(torrentBytes, { savePath: source })).whenDone();
    seederPort = seeder.port;
    stopSeeder = () => seeder.close();
  } else {
    const seeder = await startLibtorrentSeeder({ torrentPath, savePath: source, startTimeoutMs: 300_000 });
    seederPort = seeder.port;
    stopSeeder = () => seeder.stop();
  }

  if (seederKind === 'ours' && storage === 'lt') {
    // Our seeder, a libtorrent leecher: the seeding comparison.
    const out = path.join(work, 'lt-out');
    const cpu = process.cpuUsage();
    const started = performance.now();
    const leecher = await startLibtorrentPeer({ torrentPath, savePath: out, seed: false, peers: [['127.0.0.1', seederPort]] });
    await leecher.waitFor('finished', { timeoutMs: 600_000 });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(`ours -> lt: ${mib} MiB in ${seconds.toFixed(2)} s = ${((mib * 1024 * 1024) / seconds / 1e6).toFixed(1)} MB/s, our CPU user ${(used.user / 1e6).toFixed(2)} s system ${(used.system / 1e6).toFixed(2)} s`);
    await leecher.stop();
    await stopSeeder();
    process.exit(0);
  }
  const session = new Session({ port: 0, host: '127.0.0.1' });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const torrent = await session.add(torrentBytes, {
    savePath: path.join(work, 'out'),
    peers: [{ host: '127.0.0.1', port: seederPort }],
    ...(storage === 'null' ? { storage: async () => new NullStorage() } : {}),
  });
  await torrent.whenDone();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const bytes = torrent.progress().totalBytes;
  console.log(`${seederKind} -> ours (${storage}): ${mib} MiB in ${seconds.toFixed(2)} s = ${(bytes / seconds / 1e6).toFixed(1)} MB/s, CPU user ${(used.user / 1e6).toFixed(2)} s system ${(used.system / 1e6).toFixed(2)} s`);
  await session.close();
  await stopSeeder();
} finally {
  await removeTempDir(work);
}
