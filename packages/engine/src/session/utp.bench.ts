/**
 * uTP in the engine, outside the test run (tests assert behaviour, never time). From packages/engine
 * (the bundle must sit one folder below a link to testkit's python folder):
 *
 *   mkdir -p /tmp/tt-utp-bench/out && ln -sfn "$PWD/../testkit/python" /tmp/tt-utp-bench/python
 *   npx esbuild src/session/utp.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@typetorrent/source --outfile=/tmp/tt-utp-bench/out/bench.mjs
 *   node /tmp/tt-utp-bench/out/bench.mjs [MiB=64] [rounds=3]
 *
 * Prints, medians over rounds: how long a connect takes over uTP and over TCP on 127.0.0.1 (what
 * decides between racing both and giving uTP a head start), then a session downloading a
 * single-file torrent (1 MiB pieces, NullStorage: no disk writes) from another session over uTP only
 * and over TCP only, uTP and TCP alternating round by round, with the CPU seconds both sessions (one
 * process) spent per GiB and the uTP/TCP ratio (issue 15: at least 0.5). Both sessions share one
 * thread, so this measures CPU per byte more than the transports: tools/bench/run.mjs (its uTP table)
 * runs each peer in a process of its own.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NullStorage } from '@typetorrent/storage';
import { deterministicBytes, makeLibtorrentTorrent, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { createUtpSocket } from '@typetorrent/utp';
import { Session, type SessionOptions } from './session.js';

const mib = Number(process.argv[2] ?? 64);
const rounds = Number(process.argv[3] ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function connectTimes(): Promise<void> {
  const server = createUtpSocket();
  const { port } = await server.listen(0, '127.0.0.1');
  server.on('connection', (stream) => stream.destroy());
  const client = createUtpSocket();
  await client.listen(0, '127.0.0.1');
  const tcpServer = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
  const tcpPort = (tcpServer.address() as net.AddressInfo).port;
  const utpMs: number[] = [];
  const tcpMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    let started = performance.now();
    const stream = await client.dial(port, '127.0.0.1');
    utpMs.push(performance.now() - started);
    stream.on('error', () => undefined);
    stream.destroy();
    started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: tcpPort }, () => {
        tcpMs.push(performance.now() - started);
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
    });
  }
  console.log(`connect on 127.0.0.1, median of 200: uTP ${median(utpMs).toFixed(3)} ms, TCP ${median(tcpMs).toFixed(3)} ms; uTP slower in ${utpMs.filter((u, i) => u > (tcpMs[i] ?? 0)).length}/200`);
  await client.close();
  await server.close();
  tcpServer.close();
}

async function download(torrent: Uint8Array, source: string, options: SessionOptions): Promise<{ seconds: number; cpu: number; bytes: number }> {
  const seeder = new Session({ port: 0, host: '127.0.0.1', ...options });
  await (await seeder.add(torrent, { savePath: source })).whenDone();
  const leecher = new Session({ port: 0, host: '127.0.0.1', ...options });
  await leecher.listen();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const t = await leecher.add(torrent, { savePath: source + '-out', peers: [{ host: '127.0.0.1', port: seeder.port }], storage: async () => new NullStorage() });
  await t.whenDone();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await leecher.close();
  await seeder.close();
  return { seconds, cpu: (used.user + used.system) / 1e6, bytes: t.progress().totalBytes };
}

const work = await makeTempDir('typetorrent-utp-bench-');
try {
  await connectTimes();
  const source = path.join(work, 'seed');
  await fs.mkdir(source);
  const sourcePath = path.join(source, 'payload.bin');
  await fs.writeFile(sourcePath, deterministicBytes(mib * 1024 * 1024, 9));
  const torrentPath = path.join(work, 'payload.torrent');
  await makeLibtorrentTorrent({ sourcePath, torrentPath, pieceSize: 1024 * 1024 });
  const torrent = await fs.readFile(torrentPath);
  const rows: { name: string; options: SessionOptions; rates: number[]; cpus: number[] }[] = [
    // Two TypeTorrent sessions on loopback raise the packet size once the handshake shows who the peer is.
    { name: 'ours -> ours over uTP only (65,000-byte loopback packets)', options: { utp: { tcp: false }, encryption: 'disable' }, rates: [], cpus: [] },
    { name: 'ours -> ours over TCP', options: { encryption: 'disable' }, rates: [], cpus: [] },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const row of round % 2 === 0 ? rows : [...rows].reverse()) {
      const r = await download(torrent, source, row.options);
      row.rates.push(r.bytes / r.seconds / 1e6);
      row.cpus.push(r.cpu / (r.bytes / 2 ** 30));
    }
  }
  for (const { name, rates, cpus } of rows) {
    console.log(`${name}: ${median(rates).toFixed(1)} MB/s (${rates.map((x) => x.toFixed(0)).join(', ')}), CPU ${median(cpus).toFixed(1)} s/GiB`);
  }
  const [utp, tcp] = rows.map((row) => median(row.rates));
  console.log(`uTP / TCP: ${((utp ?? NaN) / (tcp ?? NaN)).toFixed(2)} (issue 15 goal: at least 0.5)`);
} finally {
  await removeTempDir(work);
}
