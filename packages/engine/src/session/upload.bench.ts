/**
 * Seeding speed and held upload memory, outside the test run (tests assert behaviour, never time): our
 * seeding session and N leecher sessions (NullStorage: no disk writes) in this one process, over
 * loopback. Run from packages/engine:
 *
 *   npx esbuild src/session/upload.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@typetorrent/source --outfile=/tmp/tt-upload-bench.mjs
 *   node /tmp/tt-upload-bench.mjs [MiB=128] [leechers=1] [per-peer KiB=1024] [total MiB=32]
 *
 * Prints the bytes moved per second (all leechers together, payload) and the most upload data the
 * seeder held in memory at once (sampled every 5 ms).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { NullStorage } from '@typetorrent/storage';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { Session } from './session.js';

const mib = Number(process.argv[2] ?? 128);
const leechers = Number(process.argv[3] ?? 1);
const perPeer = Number(process.argv[4] ?? 1024) * 1024;
const total = Number(process.argv[5] ?? 32) * 1024 * 1024;
const work = await makeTempDir('typetorrent-upload-bench-');
try {
  const chunk = deterministicBytes(16 * 1024 * 1024, 7);
  const length = mib * 1024 * 1024;
  const file = path.join(work, 'payload.bin');
  const handle = await fs.open(file, 'w');
  for (let at = 0; at < length; at += chunk.length) await handle.write(chunk.subarray(0, Math.min(chunk.length, length - at)));
  await handle.close();
  const created = await createTorrentFromPath(file, { pieceLength: 1024 * 1024 });
  const seeder = new Session({ port: 0, host: '127.0.0.1', uploadBuffer: { perPeer, total }, maxUploadSlots: Math.max(8, leechers) });
  await (await seeder.add(created.torrent, { savePath: work })).whenDone();
  let most = 0;
  const sample = setInterval(() => (most = Math.max(most, seeder.uploadBuffered)), 5);
  const sessions = Array.from({ length: leechers }, () => new Session({ port: 0, host: '127.0.0.1' }));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const torrents = await Promise.all(
    sessions.map(async (session) => await session.add(created.torrent, { savePath: path.join(work, 'out'), peers: [{ host: '127.0.0.1', port: seeder.port }], storage: async () => new NullStorage() })),
  );
  await Promise.all(torrents.map(async (torrent) => await torrent.whenDone()));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sample);
  console.log(
    `${leechers} leecher(s), ${mib} MiB each, per peer ${perPeer / 1024} KiB, total ${total / 1024 / 1024} MiB: ` +
      `${((leechers * length) / seconds / 1e6).toFixed(1)} MB/s, most held ${(most / 1024).toFixed(0)} KiB, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s`,
  );
  await Promise.all(sessions.map(async (session) => await session.close()));
  await seeder.close();
} finally {
  await removeTempDir(work);
}
