#!/usr/bin/env node
// Benchmark (not a test) of @typetorrent/storage: verify-and-write throughput beside Node's raw SHA-1
// speed on the same machine, inline hashing against worker-thread hashing, and peak memory (RSS) for a
// torrent much larger than the piece-buffer cap. Prints one markdown table.
//
//   node tools/bench/storage.mjs                      # 2 GiB through NullStorage, 256 MiB to disk
//   node tools/bench/storage.mjs --null-mib 512 --disk-mib 64 --rounds 3
//
// Each scenario runs in its own child process so that its peak RSS is its own. Blocks come from a
// 1 MiB pattern (every piece has the same content, so the same hash, but every piece is still copied
// into its own buffer, hashed and written); 128 simulated peers fill pieces concurrently, which is more
// than the 64 MiB cap holds, so back-pressure ('busy', waitForMemory) is exercised. Each block is its
// own event-loop task, as it would be coming from a socket; the event-loop delay columns show the
// longest stall a socket would have seen (inline hashing runs on that loop, worker hashing does not). The package source
// is bundled with esbuild first (tsup's bundler), so no build is needed and the figures are of the
// current source. Absolute figures follow machine load: compare rows of one run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const MiB = 1024 * 1024;
const PIECE = MiB;
const BLOCK = 16 * 1024;
const PEERS = 128;
const CAP = 64 * MiB;

const { values: opts } = parseArgs({
  options: {
    'null-mib': { type: 'string', default: '2048' },
    'small-mib': { type: 'string', default: '64' },
    'disk-mib': { type: 'string', default: '256' },
    'hash-mib': { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '1' },
    scenario: { type: 'string' },
    bundle: { type: 'string' },
    dir: { type: 'string' },
  },
});

// ---- child: one scenario, prints one JSON line ----------------------------------------------------

async function loadBundle() {
  return await import(pathToFileURL(opts.bundle).href);
}

function pattern() {
  const bytes = new Uint8Array(PIECE);
  let x = 2463534242;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Inline hashing without the per-turn queue: each completed piece hashed at once, back to back. */
const unqueuedHasher = {
  prefersShared: false,
  sha1: async (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  close: async () => undefined,
};

/** A torrent of `bytes` in 1 MiB pieces over 4 files, every piece the pattern. */
function torrentOf(lib, bytes, data) {
  const hash = new Uint8Array(createHash('sha1').update(data).digest());
  const quarter = bytes / 4;
  let offset = 0;
  const files = [0, 1, 2, 3].map((i) => {
    const file = { path: [`part-${i}.bin`], length: quarter, offset, padding: false };
    offset += quarter;
    return file;
  });
  return {
    infoHash: new Uint8Array(20).fill(7),
    infoHashHex: '07'.repeat(20),
    name: 'bench',
    isMultiFile: true,
    files,
    geometry: new lib.PieceGeometry(PIECE, bytes, files),
    pieceHash: () => hash.slice(),
  };
}

async function download(lib, bytes, hasherKind, storageKind) {
  const data = pattern();
  const torrent = torrentOf(lib, bytes, data);
  const hasher = hasherKind === 'workers' ? new lib.WorkerHasher({ threads: 2 }) : hasherKind === 'unqueued' ? unqueuedHasher : lib.inlineHasher;
  const storage = storageKind === 'disk' ? await lib.FileStorage.open(torrent, opts.dir) : new lib.NullStorage();
  const store = await lib.PieceStore.open(torrent, { storage, hasher, memoryLimit: CAP, resumeIntervalMs: 0 });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let next = 0;
  let peakBuffered = 0;
  const started = performance.now();
  delay.enable();
  const peer = async (name) => {
    for (let piece = next++; piece < torrent.geometry.pieceCount; piece = next++) {
      for (let begin = 0; begin < PIECE; ) {
        const result = await store.addBlock(piece, begin, data.subarray(begin, begin + BLOCK), name);
        if (result.kind === 'busy') {
          await store.waitForMemory();
          continue;
        }
        if (result.kind === 'hash-failed') throw new Error(`piece ${piece} failed its hash`);
        peakBuffered = Math.max(peakBuffered, store.bufferedBytes);
        begin += BLOCK;
        // Blocks arrive from sockets, one event-loop task each: yield like a socket 'data' event
        // would, so the event-loop delay measures what hashing and copying cost each task.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  await Promise.all(Array.from({ length: PEERS }, (_, i) => peer(`peer-${i}`)));
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  await hasher.close();
  if (!store.complete) throw new Error('download incomplete');
  return { seconds, bytes, peakBuffered, delayMaxMs: delay.max / 1e6, delayP99Ms: delay.percentile(99) / 1e6 };
}

async function rawHash(lib, bytes, hasherKind) {
  const chunk = new Uint8Array(new SharedArrayBuffer(PIECE));
  chunk.set(pattern());
  const started = performance.now();
  if (hasherKind === 'workers') {
    const hasher = new lib.WorkerHasher({ threads: 2 });
    let next = 0;
    const count = bytes / PIECE;
    const lane = async () => {
      while (next++ < count) await hasher.sha1(chunk);
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    await hasher.close();
  } else {
    for (let done = 0; done < bytes; done += PIECE) createHash('sha1').update(chunk).digest();
  }
  return { seconds: (performance.now() - started) / 1000, bytes };
}

async function child() {
  const lib = await loadBundle();
  const [kind, hasherKind, mib] = opts.scenario.split(':');
  const bytes = Number(mib) * MiB;
  const result = kind === 'hash' ? await rawHash(lib, bytes, hasherKind) : await download(lib, bytes, hasherKind, kind);
  const usage = process.resourceUsage();
  // CPU of every thread (workers included): less sensitive to a busy machine than wall time.
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stdout.write(`${JSON.stringify({ ...result, cpuSeconds, maxRssKiB: usage.maxRSS })}\n`);
}

// ---- parent: bundle, run every scenario, print the table ------------------------------------------

async function bundle(dir) {
  const { build } = await import('esbuild');
  const outfile = path.join(dir, 'storage-bundle.mjs');
  await build({
    stdin: {
      contents: "export * from './packages/storage/src/index.ts'; export { PieceGeometry } from '@typetorrent/metainfo';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@typetorrent/source'],
    logLevel: 'silent',
  });
  return outfile;
}

function run(scenario, bundlePath, dir) {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--scenario', scenario, '--bundle', bundlePath, '--dir', dir], {
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  if (result.status !== 0) throw new Error(`${scenario} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const mb = (r) => (r.bytes / 1e6 / r.seconds).toFixed(0);
const mib = (kib) => (kib / 1024).toFixed(0);
const ms = (value) => (value === undefined ? '' : value.toFixed(1));

async function parent() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-bench-'));
  try {
    const bundlePath = await bundle(work);
    const rows = [];
    const scenarios = [
      ['hash:inline:' + opts['hash-mib'], `raw SHA-1, node:crypto, 1 thread, 1 MiB chunks`],
      ['hash:workers:' + opts['hash-mib'], `raw SHA-1, WorkerHasher (2 threads, shared memory)`],
      ['null:unqueued:' + opts['null-mib'], `verify + NullStorage, inline hashing without the turn queue`],
      ['null:inline:' + opts['null-mib'], `verify + NullStorage, inline hashing (default: 4 ms per turn)`],
      ['null:workers:' + opts['null-mib'], `verify + NullStorage, worker hashing (2 threads)`],
      ['null:inline:' + opts['small-mib'], `verify + NullStorage, inline (small torrent: memory baseline)`],
      ['disk:inline:' + opts['disk-mib'], `verify + FileStorage (temp dir, fsync at close), inline`],
      ['disk:workers:' + opts['disk-mib'], `verify + FileStorage (temp dir, fsync at close), workers`],
    ];
    const rounds = Number(opts.rounds);
    // Rounds go round-robin over the scenarios, so a burst of load from elsewhere on the machine
    // lands on all of them rather than on one.
    const runs = scenarios.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [index, [scenario, label]] of scenarios.entries()) {
        const dir = path.join(work, `${scenario.replaceAll(':', '-')}-${round}`);
        fs.mkdirSync(dir);
        process.stderr.write(`storage bench: ${label} (round ${round + 1}/${rounds}) ...\n`);
        runs[index].push(run(scenario, bundlePath, dir));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    for (const [index, [, label]] of scenarios.entries()) {
      // The median round by throughput; its other figures are reported with it.
      const r = runs[index].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs[index].length / 2)];
      rows.push(
        `| ${label} | ${(r.bytes / MiB).toFixed(0)} MiB | ${mb(r)} | ${((r.cpuSeconds / r.bytes) * MiB * 1000).toFixed(2)} | ${mib(r.maxRssKiB)} MiB | ${r.peakBuffered === undefined ? '' : `${(r.peakBuffered / MiB).toFixed(0)} MiB`} | ${ms(r.delayP99Ms)} | ${ms(r.delayMaxMs)} |`,
      );
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(
      [
        `Storage: ${os.cpus().length} × ${cpu}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}; 1 MiB pieces, 16 KiB blocks, ${PEERS} simulated peers, memory cap ${CAP / MiB} MiB; median of ${rounds} round(s).`,
        '',
        '| scenario | data | MB/s | CPU ms per MiB | peak RSS | peak piece buffers | event-loop delay p99 (ms) | max (ms) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        ...rows,
      ].join('\n'),
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (opts.scenario !== undefined) await child();
else await parent();
