/**
 * The daemon's figures from issue 18, outside the test run (tests assert behaviour, never time):
 * idle CPU with 100 torrents seeding, and GET /api/v1/torrents with 1,000 torrents. Run from
 * apps/cli:
 *
 *   npx esbuild src/daemon/daemon.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@typetorrent/source --outfile=/tmp/tt-daemon-bench/bench.mjs
 *   node /tmp/tt-daemon-bench/bench.mjs [seeding=100] [total=1000] [idleSeconds=20]
 *
 * Seeding torrents are 64 KiB single-file torrents with their data on disk (checked, then seeding,
 * no peers: what an idle daemon does); the rest are added paused. Everything is on 127.0.0.1 with
 * no DHT, LSD or trackers.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTorrent } from '@typetorrent/metainfo';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { startDaemon } from './daemon.js';
import { DaemonClient } from './api-client.js';

const seeding = Number(process.argv[2] ?? 100);
const total = Number(process.argv[3] ?? 1000);
const idleSeconds = Number(process.argv[4] ?? 20);

const work = await makeTempDir('typetorrent-daemon-bench-');
const downloads = path.join(work, 'downloads');
await fs.mkdir(downloads, { recursive: true });
const daemon = await startDaemon({ listen: { host: '127.0.0.1', port: 0 }, stateDir: path.join(work, 'state'), downloadDir: downloads, port: 0, peerHost: '127.0.0.1' });
const client = new DaemonClient(daemon.url, daemon.token);

async function torrentOf(i: number, onDisk: boolean): Promise<string> {
  const data = deterministicBytes(64 * 1024, i + 1);
  const name = `t${i}.bin`;
  if (onDisk) await fs.writeFile(path.join(downloads, name), data);
  const { torrent } = await createTorrent({ kind: 'file', name, length: data.length, read: async function* () { yield data; } }, { pieceLength: 16 * 1024 });
  return Buffer.from(torrent).toString('base64');
}

let started = performance.now();
for (let i = 0; i < total; i++) {
  const answer = await client.request('POST', '/api/v1/torrents', { torrent: await torrentOf(i, i < seeding), paused: i >= seeding });
  if (answer.status !== 201) throw new Error(`add ${i}: ${JSON.stringify(answer.body)}`);
}
console.log(`added ${total} torrents (${seeding} seeding) through the API in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Every seeding torrent checked and seeding before the idle measurement.
for (;;) {
  const { body } = await client.request<{ torrents: { state: string }[] }>('GET', '/api/v1/torrents');
  if (body.torrents.filter((t) => t.state === 'seeding').length >= seeding) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const cpuBefore = process.cpuUsage();
started = performance.now();
await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
const cpu = process.cpuUsage(cpuBefore);
const wall = performance.now() - started;
console.log(`idle with ${seeding} seeding, ${total} in all: ${((100 * (cpu.user + cpu.system)) / 1000 / wall).toFixed(2)}% of one core over ${idleSeconds} s`);

const times: number[] = [];
let bytes = 0;
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  const response = await fetch(`${daemon.url}/api/v1/torrents`, { headers: { authorization: `Bearer ${daemon.token}` } });
  bytes = (await response.arrayBuffer()).byteLength;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`GET /api/v1/torrents with ${total} torrents (${(bytes / 1024).toFixed(0)} KiB): median ${times[15]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over 30`);

started = performance.now();
await daemon.close();
console.log(`close: ${((performance.now() - started) / 1000).toFixed(1)} s`);
await removeTempDir(work);
