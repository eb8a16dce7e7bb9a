#!/usr/bin/env node
// Benchmark (not a test) of what a torrent and a connection cost one session (issue 17): memory per
// seeding torrent and per idle peer connection, open file descriptors, and the time until N torrents
// seed. Loopback only (127.0.0.1), bounded counts. Prints one markdown table.
//
//   node tools/bench/scale.mjs                                  # 1, 100, 1000 torrents; 200 connections
//   node tools/bench/scale.mjs --torrents 1,10,100,1000 --peers 1,50,200
//   node tools/bench/scale.mjs --rev dafb4af                    # the same on the code of a git revision
//   node tools/bench/scale.mjs --piece-kib 1024                 # torrents with 1 MiB pieces
//   node tools/bench/scale.mjs --torrents '' --peers '' --idle 100           # idle CPU of 100 seeds only
//   node tools/bench/scale.mjs --torrents '' --peers '' --idle 100 --rev HEAD # the same, last commit
//   node tools/bench/scale.mjs --torrents 1000 --peers '' --heap-snapshots /tmp/snaps  # + heap snapshots
//     (before adding and once all seed, per torrents scenario; read them with tools/bench/heap-summary.mjs)
//
// The engine source (of the working tree, or of `--rev` taken out with `git archive`) is bundled with
// esbuild (tsup's bundler), so no build is needed. Each scenario runs in its own child process
// started with --expose-gc, so its figures are its own:
// - torrents: N single-file torrents of about 400 bytes, their data written to a temp folder first
//   (so it is not counted), added to one session seeding from FileStorage (no trackers, no peers).
//   `resume` rows are a second process on the same folder, where the first one's resume data vouches for all.
//   Memory is measured after a full GC, before adding and once all seed: heap (used heap plus
//   ArrayBuffers) and RSS, divided by N. Open descriptors: entries of /proc/self/fd.
//   `CPU s until all seed`: the process's CPU time (all threads) from the first add to all seeding;
//   `session.close() s`: how long closing the session then took (every torrent's data, 16 at a time).
// - peers: one seeding torrent of 4 MiB, and M plaintext BitTorrent connections from this (parent)
//   process that send a handshake and an empty bitfield and then stay idle; the child reports its
//   memory before and after they are all connected, divided by M.
// - idle (with --idle N): N such torrents seeding in one session, no peers, no trackers, nobody
//   listening to events (with --idle-listeners: a `progress` listener on each, as the daemon has); once all seed and 2 s have passed, the CPU time the process uses
//   (process.cpuUsage, user + system) over --idle-seconds (default 30), as a share of one core.
// Absolute figures follow the machine's load and V8's heap sizing: compare rows of one run.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleEngine } from './lib/engine-bundle.mjs';
import { readLines } from './lib/read-lines.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const KiB = 1024;
const MiB = 1024 * 1024;

const { values: opts } = parseArgs({
  options: {
    torrents: { type: 'string', default: '1,100,1000' },
    peers: { type: 'string', default: '200' },
    'piece-kib': { type: 'string', default: '16' },
    idle: { type: 'string', default: '' },
    'idle-seconds': { type: 'string', default: '30' },
    'idle-listeners': { type: 'boolean', default: false },
    'heap-snapshots': { type: 'string' },
    detail: { type: 'boolean', default: false },
    rev: { type: 'string' },
    // child-only
    scenario: { type: 'string' },
    bundle: { type: 'string' },
    dir: { type: 'string' },
    count: { type: 'string' },
  },
});

if (opts.scenario !== undefined) {
  const engine = await import(pathToFileURL(opts.bundle).href);
  if (opts.scenario === 'torrents') await childTorrents(engine, Number(opts.count), opts.dir, false);
  else if (opts.scenario === 'resume') await childTorrents(engine, Number(opts.count), opts.dir, true);
  else if (opts.scenario === 'peers') await childPeers(engine, opts.dir);
  else if (opts.scenario === 'idle') await childIdle(engine, Number(opts.count), opts.dir);
  process.exit(0);
} else {
  await parent();
}

// ---- children ------------------------------------------------------------------------------------

function measureNow() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const usage = process.memoryUsage();
  let fds = -1;
  try {
    fds = fs.readdirSync('/proc/self/fd').length;
  } catch {
    // not Linux
  }
  // The parts of RSS (--detail): V8's heap as used and as reserved, memory outside it, and the
  // kernel's anonymous / file-backed split of the resident pages.
  const status = fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '';
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN) * KiB;
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name.replace(/_space$/, ''), [space.space_size, space.space_used_size]]));
  const detail = { heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, rssAnon: kib('RssAnon'), rssFile: kib('RssFile'), spaces, mappings: anonymousMappings() };
  return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss, fds, detail };
}

/**
 * Resident anonymous memory by kind of mapping (/proc/self/smaps): malloc's main heap ([heap]), 256 KiB
 * mappings (V8's regular heap pages), and the rest (malloc arenas of other threads, V8's larger
 * pages, stacks), so RSS minus V8's heap can be told apart.
 */
function anonymousMappings() {
  let text;
  try {
    text = fs.readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return {};
  }
  const totals = {};
  let kind;
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header !== null) {
      const size = Number.parseInt(header[2], 16) - Number.parseInt(header[1], 16);
      const name = header[3];
      kind = name === '[heap]' ? 'malloc heap' : name === '' ? (size === 256 * KiB ? '256 KiB maps' : 'other anonymous') : undefined;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null && kind !== undefined) totals[kind] = (totals[kind] ?? 0) + Number(rss[1]) * KiB;
  }
  return totals;
}

async function makeTorrents(engine, count, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const list = [];
  for (let index = 0; index < count; index++) {
    const name = `t${index}.txt`;
    const bytes = new TextEncoder().encode(`scale torrent ${index} `.repeat(20));
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, bytes);
    const created = await engine.createTorrent({ kind: 'file', name, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: Number(opts['piece-kib']) * KiB });
    list.push(created.torrent);
  }
  return list;
}

async function childTorrents(engine, count, dir, resume) {
  // `resume` runs on the folder of a `torrents` run of the same count, whose close saved resume data.
  const torrents = await makeTorrents(engine, count, dir);
  if (resume && !fs.existsSync(path.join(dir, '.typetorrent'))) throw new Error('no resume data: run the torrents scenario first');
  const session = new engine.Session({ port: 0, host: '127.0.0.1' });
  await session.listen();
  const before = measureNow();
  snapshot(`${resume ? 'resume' : 'torrents'}-${count}-before`);
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  let peakFds = before.fds;
  const added = [];
  for (const bytes of torrents) {
    const torrent = await session.add(bytes, { savePath: dir, announce: false });
    torrent.on('state', () => {
      if (before.fds >= 0) peakFds = Math.max(peakFds, fs.readdirSync('/proc/self/fd').length);
    });
    added.push(torrent);
  }
  await Promise.all(added.map(async (torrent) => await torrent.whenDone()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const seeding = added.filter((torrent) => torrent.state === 'seeding').length;
  const after = measureNow();
  snapshot(`${resume ? 'resume' : 'torrents'}-${count}-after`);
  const peak = peakFds; // before close: stopping saves every torrent's resume data at once
  // SCALE_HOLD_SECONDS: the child waits this long before closing, for a debugger (malloc_stats in gdb).
  const hold = Number(process.env.SCALE_HOLD_SECONDS ?? 0);
  if (hold > 0) {
    process.stderr.write(`scale child ${process.pid} holding ${hold} s\n`);
    await new Promise((resolve) => setTimeout(resolve, hold * 1000));
  }
  const closeStarted = process.hrtime.bigint();
  await session.close();
  const closeSeconds = Number(process.hrtime.bigint() - closeStarted) / 1e9;
  print({ count, seeding, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, closeSeconds, before, after, peakFds: peak });
}

async function childIdle(engine, count, dir) {
  const torrents = await makeTorrents(engine, count, dir);
  const session = new engine.Session({ port: 0, host: '127.0.0.1' });
  await session.listen();
  const added = [];
  let events = 0;
  for (const bytes of torrents) {
    const torrent = await session.add(bytes, { savePath: dir, announce: false });
    if (opts['idle-listeners']) torrent.on('progress', () => events++);
    added.push(torrent);
  }
  await Promise.all(added.map(async (torrent) => await torrent.whenDone()));
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const seconds = Number(opts['idle-seconds']);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(cpu);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const seeding = added.filter((torrent) => torrent.state === 'seeding').length;
  await session.close();
  print({ count, seeding, wall, cpuSeconds: (used.user + used.system) / 1e6, events });
}

async function childPeers(engine, dir) {
  const length = 4 * MiB;
  fs.mkdirSync(dir, { recursive: true });
  const bytes = crypto.randomBytes(length);
  fs.writeFileSync(path.join(dir, 'peers.bin'), bytes);
  const created = await engine.createTorrent({ kind: 'file', name: 'peers.bin', length, read: async function* () { yield bytes; } }, { pieceLength: 256 * KiB });
  const session = new engine.Session({ port: 0, host: '127.0.0.1', maxConnections: 1000 });
  const port = await session.listen();
  const torrent = await session.add(created.torrent, { savePath: dir, announce: false, maxPeers: 1000 });
  await torrent.whenDone();
  const before = measureNow();
  print({ port, infoHash: Buffer.from(created.metainfo.infoHash).toString('hex') });
  // The parent says how many it connected, then we measure with them all connected.
  const lines = readLines(process.stdin);
  const connected = Number(await lines.next().then((r) => r.value));
  const after = measureNow();
  print({ connected, peers: torrent.progress().peers, before, after });
  await lines.next();
  await session.close();
}


/** With --heap-snapshots <folder>: a V8 heap snapshot there (after the measurement it follows). */
function snapshot(name) {
  if (opts['heap-snapshots'] === undefined) return;
  fs.mkdirSync(opts['heap-snapshots'], { recursive: true });
  v8.writeHeapSnapshot(path.join(opts['heap-snapshots'], `${name}.heapsnapshot`));
}

function print(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

// ---- parent --------------------------------------------------------------------------------------

async function bundle(work) {
  return await bundleEngine(work, opts.rev, "export * from '@typetorrent/engine'; export { createTorrent } from '@typetorrent/metainfo';");
}

function runChild(scenario, bundlePath, dir, count) {
  const result = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--scenario', scenario, '--bundle', bundlePath, '--dir', dir, '--count', String(count), '--piece-kib', opts['piece-kib'], '--idle-seconds', opts['idle-seconds'], ...(opts['idle-listeners'] ? ['--idle-listeners'] : []), ...(opts['heap-snapshots'] === undefined ? [] : ['--heap-snapshots', path.resolve(opts['heap-snapshots'])])], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
    maxBuffer: 16 * MiB,
  });
  if (result.status !== 0) throw new Error(`${scenario} ${count} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

async function runPeers(bundlePath, dir, count) {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--scenario', 'peers', '--bundle', bundlePath, '--dir', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readLines(child.stdout);
  const ready = JSON.parse((await lines.next()).value);
  const sockets = [];
  try {
    // In batches below the listener's cap of handshakes in progress (64).
    for (let first = 0; first < count; first += 32) {
      const batch = [];
      for (let index = first; index < Math.min(count, first + 32); index++) batch.push(connectPeer(ready.port, ready.infoHash, index));
      sockets.push(...(await Promise.all(batch)));
    }
    child.stdin.write(`${sockets.length}\n`);
    const result = JSON.parse((await lines.next()).value);
    child.stdin.write('done\n');
    child.stdin.end();
    return result;
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** A plaintext BitTorrent connection: handshake, an empty bitfield, then idle (reads are discarded). */
async function connectPeer(port, infoHashHex, index) {
  const socket = net.connect({ host: '127.0.0.1', port });
  const peerId = Buffer.alloc(20);
  peerId.write(`-SC0001-${String(index).padStart(12, '0')}`, 'latin1');
  const handshake = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol', 'latin1'), Buffer.alloc(8), Buffer.from(infoHashHex, 'hex'), peerId]);
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', resolve);
  });
  socket.write(handshake);
  let received = 0;
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      received += chunk.length;
      if (received >= 68) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`peer ${index} closed after ${received} bytes`)));
  });
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  // A bitfield of 16 pieces, none set: we are a leecher with nothing, so we stay uninterested.
  socket.write(Buffer.from([0, 0, 0, 3, 5, 0, 0]));
  return socket;
}

function perUnit(bytes, count) {
  return count === 0 ? '-' : `${((bytes / count) / KiB).toFixed(1)} KiB`;
}

async function parent() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-scale-'));
  try {
    const bundlePath = await bundle(work);
    const idle = [];
    const label = opts.rev === undefined ? 'working tree' : `revision ${opts.rev}`;
    console.log(`Scale benchmark of the engine (${label}), torrents with ${opts['piece-kib']} KiB pieces, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}\n`);
    console.log('| scenario | count | all seeding (s) | CPU s until all seed | heap per unit | RSS per unit | heap + buffers after | RSS after | open fds added (peak) | session.close() s |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const details = [];
    for (const scenario of ['torrents', 'resume']) {
      for (const count of counts(opts.torrents)) {
        const r = runChild(scenario, bundlePath, path.join(work, `data-${count}`), count);
        const m = (bytes) => `${(bytes / MiB).toFixed(1)}`;
        const maps = (d) => Object.entries(d.mappings).map(([name, bytes]) => `${name} ${m(bytes)}`).join(', ');
        const spaces = (d) => Object.entries(d.spaces).filter(([, [size]]) => size >= MiB).map(([name, [size, used]]) => `${name} ${m(size)}/${m(used)}`).join(', ');
        for (const [when, d] of [['before', r.before.detail], ['after', r.after.detail]]) details.push(`| ${scenario} ${count} ${when} | ${m(d.heapUsed)} | ${m(d.heapTotal)} | ${m(d.external)} | ${m(d.arrayBuffers)} | ${m(d.rssAnon)} | ${m(d.rssFile)} | ${spaces(d)} | ${maps(d)} |`);
        const fds = r.before.fds < 0 ? '-' : `${r.after.fds - r.before.fds} (${r.peakFds - r.before.fds})`;
        console.log(`| ${scenario === 'torrents' ? 'torrents, checked' : 'torrents, resume data'} | ${r.seeding}/${count} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${perUnit(r.after.heap - r.before.heap, count)} | ${perUnit(r.after.rss - r.before.rss, count)} | ${(r.after.heap / MiB).toFixed(1)} MiB | ${(r.after.rss / MiB).toFixed(1)} MiB | ${fds} | ${r.closeSeconds.toFixed(2)} |`);
      }
    }
    if (opts.detail && details.length > 0) console.log(['', '| torrents: memory (MiB) | heap used | heap total | external | of it ArrayBuffers | RSS anonymous | RSS file-backed | V8 spaces of 1 MiB or more (size/used) | resident anonymous mappings |', '|---|---|---|---|---|---|---|---|---|', ...details, ''].join('\n'));
    for (const count of counts(opts.peers)) {
      const r = await runPeers(bundlePath, path.join(work, `peers-${count}`), count);
      const fds = r.before.fds < 0 ? '-' : `${r.after.fds - r.before.fds}`;
      console.log(`| idle connections | ${r.peers}/${count} | - | - | ${perUnit(r.after.heap - r.before.heap, r.peers)} | ${perUnit(r.after.rss - r.before.rss, r.peers)} | ${(r.after.heap / MiB).toFixed(1)} MiB | ${(r.after.rss / MiB).toFixed(1)} MiB | ${fds} | - |`);
    }
    for (const count of counts(opts.idle)) {
      const r = runChild('idle', bundlePath, path.join(work, `idle-${count}`), count);
      idle.push(`| ${r.seeding}/${count} | ${r.wall.toFixed(1)} | ${r.cpuSeconds.toFixed(3)} | ${((100 * r.cpuSeconds) / r.wall).toFixed(2)}% |`);
    }
    if (idle.length > 0) console.log(['', `| idle seeding torrents${opts['idle-listeners'] ? ' (progress listened to)' : ''} | seconds measured | CPU seconds | share of one core |`, '|---|---|---|---|', ...idle].join('\n'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A comma-separated list of counts; empty: none. */
function counts(list) {
  return list.split(',').filter((item) => item.trim() !== '').map(Number);
}
