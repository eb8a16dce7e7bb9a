#!/usr/bin/env node
// Benchmark (not a test) of what one peer connection costs a session while it is idle and while it
// is busy, for incoming connections (issue 17). Loopback only (127.0.0.1), bounded counts and time.
//
//   node tools/bench/peer-memory.mjs                       # 50 peers: idle, upload, download
//   node tools/bench/peer-memory.mjs --peers 1,50 --scenarios upload
//   node tools/bench/peer-memory.mjs --rev 1dca18f~1       # the same on the code of a git revision
//   node tools/bench/peer-memory.mjs --heap-snapshots /tmp/snaps --scenarios idle
//
// The engine source (working tree, or `--rev` taken out with `git archive`) is bundled with esbuild,
// so no build is needed. Each scenario runs in a child process started with --expose-gc; the peers
// are plain BitTorrent connections from this (parent) process, all of them dialling into the child:
// - idle: the child seeds a 4 MiB torrent; each peer sends a handshake and HAVE NONE, then nothing.
// - upload: the child seeds a 16 MiB torrent with every peer unchoked (tuning.uploadSlots = peers,
//   maxUploadSlots Infinity; `--unchoke default`: the session's default slots, 8 in all); each peer
//   keeps 64 requests outstanding and reads every block, for --seconds. Memory is sampled every 50 ms while they download (peak RSS, peak upload data held),
//   then measured after a full GC with the peers still busy.
// - download: the child downloads a --mib torrent into NullStorage from the peers, each a seed that
//   connected in: the child's reads are all on incoming connections. Reported: time, CPU seconds,
//   GC pauses (count, total ms), peak RSS and peak ArrayBuffers while downloading.
// "per peer" is (after - before) / peers, before = the child with its torrent ready and no peer.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { bundleEngine } from './lib/engine-bundle.mjs';
import { readLines } from './lib/read-lines.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const KiB = 1024;
const MiB = 1024 * 1024;
const BLOCK = 16 * KiB;

const { values: opts } = parseArgs({
  options: {
    peers: { type: 'string', default: '50' },
    scenarios: { type: 'string', default: 'idle,upload,download' },
    seconds: { type: 'string', default: '5' },
    mib: { type: 'string', default: '128' },
    unchoke: { type: 'string', default: 'all' },
    rev: { type: 'string' },
    'heap-snapshots': { type: 'string' },
    // child-only
    scenario: { type: 'string' },
    bundle: { type: 'string' },
    dir: { type: 'string' },
    count: { type: 'string' },
  },
});

if (opts.scenario !== undefined) {
  await child();
  process.exit(0);
} else {
  await parent();
}

// ---- child: the session under test ----------------------------------------------------------------

function measureNow() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss, arrayBuffers: usage.arrayBuffers };
}

function print(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

function snapshot(name) {
  if (opts['heap-snapshots'] === undefined) return;
  fs.mkdirSync(opts['heap-snapshots'], { recursive: true });
  v8.writeHeapSnapshot(path.join(opts['heap-snapshots'], `${name}.heapsnapshot`));
}

async function child() {
  const engine = await import(pathToFileURL(opts.bundle).href);
  const count = Number(opts.count);
  const scenario = opts.scenario;
  const lines = readLines(process.stdin);
  const { length, pieceLength } = sizes(scenario);
  const download = scenario === 'download';
  // The data lives only in this block: what is measured below is the session's.
  const created = await (async () => {
    const bytes = dataOf(length);
    if (!download) fs.writeFileSync(path.join(opts.dir, 'data.bin'), bytes);
    return await engine.createTorrent({ kind: 'file', name: 'data.bin', length, read: async function* () { yield bytes; } }, { pieceLength });
  })();
  const session = new engine.Session({
    port: 0,
    host: '127.0.0.1',
    maxConnections: 1000,
    encryption: 'disable',
    ...(scenario === 'upload' && opts.unchoke === 'all' ? { maxUploadSlots: Number.POSITIVE_INFINITY, tuning: { uploadSlots: count } } : {}),
  });
  const port = await session.listen();
  const torrent = await session.add(created.torrent, {
    savePath: opts.dir,
    announce: false,
    maxPeers: 1000,
    ...(download ? { storage: async () => new engine.NullStorage() } : {}),
  });
  if (!download) await torrent.whenDone();
  // Peers are taken once it runs (before, in `checking` or `queued`, incoming ones are refused).
  while (download && torrent.state !== 'downloading') await new Promise((resolve) => setTimeout(resolve, 10));
  const before = measureNow();
  snapshot(`${scenario}-${count}-before`);
  const peak = { rss: 0, arrayBuffers: 0, held: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, usage.arrayBuffers);
    peak.held = Math.max(peak.held, session.uploadBuffered ?? 0);
  }, 50);
  const gc = { count: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  print({ port, torrent: Buffer.from(created.torrent).toString('base64') });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (download) {
    await torrent.whenDone();
  } else {
    await lines.next(); // the parent's peers are all connected (and, uploading, busy for a while)
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  observer.disconnect();
  const after = measureNow();
  snapshot(`${scenario}-${count}-after`);
  print({ scenario, count, peers: torrent.progress().peers, before, after, peak, seconds, cpuSeconds: (used.user + used.system) / 1e6, gc, uploaded: torrent.progress().uploaded });
  await lines.next();
  await session.close();
}

function sizes(scenario) {
  if (scenario === 'download') return { length: Number(opts.mib) * MiB, pieceLength: 1 * MiB };
  if (scenario === 'upload') return { length: 16 * MiB, pieceLength: 256 * KiB };
  return { length: 4 * MiB, pieceLength: 256 * KiB };
}

/** The same bytes in parent and child, without storing them: an xorshift32 stream. */
function dataOf(length) {
  const out = Buffer.alloc(Math.ceil(length / 4) * 4);
  let x = 2463534242;
  for (let at = 0; at < out.length; at += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, at);
  }
  return out.subarray(0, length);
}


// ---- parent: the peers ----------------------------------------------------------------------------

async function bundle(work) {
  return await bundleEngine(work, opts.rev, "export * from '@typetorrent/engine'; export { createTorrent, parseTorrent } from '@typetorrent/metainfo'; export { NullStorage } from '@typetorrent/storage'; export * as wire from '@typetorrent/peer-wire';");
}

/**
 * One peer dialling the child. `role`: idle (HAVE NONE, then quiet), leech (interested, 64 requests
 * outstanding, every block read), seed (HAVE ALL, unchokes, answers requests from `data`).
 */
function dialPeer(wire, port, metainfo, role, data) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const decoder = new wire.WireDecoder({ pieceCount: metainfo.pieceCount });
    decoder.setNegotiated({ fast: true });
    const blocks = Math.ceil(metainfo.totalLength / BLOCK);
    let next = Math.floor(Math.random() * blocks);
    const peer = { socket, received: 0, greeted: false };
    const request = () => {
      const block = next++ % blocks;
      const offset = block * BLOCK;
      const index = Math.floor(offset / metainfo.pieceLength);
      const begin = offset - index * metainfo.pieceLength;
      socket.write(wire.encodeMessage({ type: 'request', index, begin, length: Math.min(BLOCK, metainfo.totalLength - offset) }));
    };
    socket.on('error', (error) => (peer.greeted ? undefined : reject(error)));
    socket.on('connect', () => {
      socket.setNoDelay(true);
      socket.write(wire.encodeHandshake({ reserved: wire.encodeReserved({ fast: true }), infoHash: metainfo.infoHash, peerId: wire.createPeerId({ prefix: '-PM0001-' }) }));
    });
    socket.on('data', (chunk) => {
      let messages;
      try {
        messages = decoder.decode(chunk);
      } catch (error) {
        socket.destroy();
        reject(error);
        return;
      }
      for (const message of messages) {
        if (message.type === 'handshake') {
          peer.greeted = true;
          if (role === 'seed') socket.write(Buffer.concat([wire.encodeMessage({ type: 'have-all' }), wire.encodeMessage({ type: 'unchoke' })]));
          else socket.write(wire.encodeMessage({ type: 'have-none' }));
          if (role === 'leech') socket.write(wire.encodeMessage({ type: 'interested' }));
          resolve(peer);
        } else if (message.type === 'unchoke' && role === 'leech') {
          for (let i = 0; i < 64; i++) request();
        } else if (message.type === 'piece') {
          peer.received += message.block.length;
          request();
        } else if (message.type === 'request' && role === 'seed') {
          const at = message.index * metainfo.pieceLength + message.begin;
          const header = Buffer.alloc(13);
          header.writeUInt32BE(9 + message.length, 0);
          header[4] = 7;
          header.writeUInt32BE(message.index, 5);
          header.writeUInt32BE(message.begin, 9);
          socket.cork();
          socket.write(header);
          socket.write(data.subarray(at, at + message.length));
          socket.uncork();
        }
      }
    });
  });
}

async function runScenario(bundlePath, engine, scenario, count) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `peer-memory-${scenario}-`));
  const childProcess = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--scenario', scenario, '--bundle', bundlePath, '--dir', dir, '--count', String(count), '--mib', opts.mib, '--unchoke', opts.unchoke, ...(opts['heap-snapshots'] === undefined ? [] : ['--heap-snapshots', path.resolve(opts['heap-snapshots'])])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readLines(childProcess.stdout);
  // Made before the child is ready: its download clock starts when it says so.
  const data = scenario === 'download' ? dataOf(sizes(scenario).length) : undefined;
  try {
    const { port, torrent } = JSON.parse((await lines.next()).value);
    const metainfo = engine.parseTorrent(Buffer.from(torrent, 'base64'));
    const role = scenario === 'idle' ? 'idle' : scenario === 'upload' ? 'leech' : 'seed';
    const peers = [];
    for (let i = 0; i < count; i++) peers.push(await dialPeer(engine.wire, port, metainfo, role, data));
    if (scenario === 'upload') await new Promise((resolve) => setTimeout(resolve, Number(opts.seconds) * 1000));
    if (scenario !== 'download') childProcess.stdin.write('go\n');
    const result = JSON.parse((await lines.next()).value);
    if (scenario === 'upload') result.received = peers.map((p) => p.received).reduce((a, b) => a + b, 0);
    childProcess.stdin.write('close\n');
    for (const peer of peers) peer.socket.destroy();
    await new Promise((resolve) => childProcess.once('exit', resolve));
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function parent() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-memory-bundle-'));
  try {
    const bundlePath = await bundle(work);
    const engine = await import(pathToFileURL(bundlePath).href);
    const head = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    console.log(`${opts.rev === undefined ? `working tree at ${head}` : `revision ${opts.rev}`}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${new Date().toISOString()}`);
    console.log('');
    console.log('| scenario | peers | connected | heap per peer | RSS per peer | peak RSS | peak upload held | time (s) | CPU (s) | GC pauses | note |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    const kib = (bytes) => `${(bytes / KiB).toFixed(1)} KiB`;
    for (const scenario of opts.scenarios.split(',').filter(Boolean)) {
      for (const count of opts.peers.split(',').filter(Boolean).map(Number)) {
        const r = await runScenario(bundlePath, engine, scenario, count);
        const note = scenario === 'upload' ? `${(r.uploaded / MiB).toFixed(0)} MiB sent in ${r.seconds.toFixed(1)} s` : scenario === 'download' ? `${opts.mib} MiB at ${((Number(opts.mib) * MiB) / r.seconds / 1e6).toFixed(0)} MB/s; peak ArrayBuffers ${(r.peak.arrayBuffers / MiB).toFixed(1)} MiB` : '';
        console.log(
          `| ${scenario} | ${count} | ${r.peers} | ${kib((r.after.heap - r.before.heap) / count)} | ${kib((r.after.rss - r.before.rss) / count)} | ${(r.peak.rss / MiB).toFixed(1)} MiB | ${(r.peak.held / KiB).toFixed(0)} KiB | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.gc.count} / ${r.gc.ms.toFixed(0)} ms | ${note} |`,
        );
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
