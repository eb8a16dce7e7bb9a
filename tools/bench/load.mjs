#!/usr/bin/env node
// Load benchmark (issue 17): what one typetorrent process costs as its work grows, beside a
// python3-libtorrent process given the same work in the same run. Loopback only (127.0.0.1),
// bounded counts and time. Prints markdown tables.
//
//   node tools/bench/load.mjs                 # torrents 1..10,000; leechers 1..200; 1,000 x 200
//   node tools/bench/load.mjs --quick         # torrents 1,100,1000; leechers 1,10,50; 100 x 50; 4 s windows
//   node tools/bench/load.mjs --torrents 1000 --peers '' --combined '' --seconds 20 --rounds 3
//
// Each scenario starts a fresh seeder process (typetorrent: the engine source bundled with esbuild,
// no build needed; libtorrent: lib/lt_load_seeder.py), waits until all its torrents seed, then
// measures a window of --seconds, reading /proc/PID of the seeder the same way for both: CPU seconds
// of all threads, median RSS in the window, VmHWM (peak over the process's life), most open fds.
// - torrents N: N small single-file torrents seeding, no peers (idle). `all seeding` is from the
//   process start to every torrent seeding (each checks its data: no resume data). A window that
//   reaches 15 s after the start (--seconds 20) holds typetorrent's first periodic resume save, which
//   runs for every torrent at once.
// - leechers M: one 256 MiB torrent (1 MiB pieces) seeded to M leechers (lib/load-leecher.mjs, child
//   processes of their own, written with @typetorrent/peer-wire: they request 16 KiB blocks and throw
//   them away), all unchoked (--slots all: typetorrent's uploadSlots and libtorrent's
//   unchoke_slots_limit opened to M) so all download at once. The window starts once every leecher
//   is unchoked (or after --warmup seconds). CPU s/GiB = seeder CPU over the bytes the leechers got.
// - combined NxM: N small torrents plus the big one with M leechers.
// typetorrent's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms sampling, p50/p99/max of
// the window, less the sampling period) is reported by the seeder itself; an idle Node process
// measuring its own delay in the same window (lib/eld-probe.mjs) shows what the machine adds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleEngine, describeTree } from './lib/engine-bundle.mjs';
import { jsonLines } from './lib/json-lines.mjs';
import { bigTorrent, smallTorrents } from './lib/load-data.mjs';
import { idleTable, perPeerLines, peersTable } from './lib/load-report.mjs';
import { median } from './lib/measure.mjs';
import { sampleProcess } from './lib/proc-stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const LIMITS = { torrents: 10_000, peers: 500, seconds: 120, size: 2048, rounds: 9 };

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    torrents: { type: 'string' },
    peers: { type: 'string' },
    combined: { type: 'string' },
    seconds: { type: 'string' },
    size: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    slots: { type: 'string', default: 'all' },
    depth: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '15' },
    'start-timeout': { type: 'string', default: '300' },
    clients: { type: 'string', default: 'typetorrent,libtorrent' },
    work: { type: 'string', default: path.join(os.tmpdir(), 'typetorrent-load') },
    rev: { type: 'string' },
  },
});
const quick = opts.quick;
const torrentCounts = list(opts.torrents ?? (quick ? '1,100,1000' : '1,10,100,1000,10000'), LIMITS.torrents);
const peerCounts = list(opts.peers ?? (quick ? '1,10,50' : '1,10,50,200'), LIMITS.peers);
const combined = (opts.combined ?? (quick ? '100x50' : '1000x200')).split(',').filter((s) => s.trim() !== '').map((pair) => {
  const [n, m] = pair.split('x').map(Number);
  return { n: bounded(n, LIMITS.torrents, 'combined torrents'), m: bounded(m, LIMITS.peers, 'combined peers') };
});
const seconds = bounded(Number(opts.seconds ?? (quick ? 4 : 10)), LIMITS.seconds, 'seconds');
const sizeMiB = bounded(Number(opts.size ?? (quick ? 64 : 256)), LIMITS.size, 'size');
const rounds = bounded(Number(opts.rounds), LIMITS.rounds, 'rounds');
const clients = opts.clients.split(',').map((s) => s.trim()).filter(Boolean);
const log = (...a) => console.error('[load]', ...a);
/** Extra node flags for the typetorrent seeder, e.g. TT_LOAD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const nodeArgs = (process.env.TT_LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);

function bounded(value, max, name) {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`--${name} must be an integer 0..${max}, got ${value}`);
  return value;
}
function list(text, max) {
  return text.split(',').filter((s) => s.trim() !== '').map((s) => bounded(Number(s), max, 'count'));
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upload slots for M leechers: `all` opens them to M (libtorrent: unlimited), `default` leaves each client's own. */
function slotsFor(client, m) {
  if (m === 0 || opts.slots === 'default') return null;
  if (opts.slots === 'all') return client === 'libtorrent' ? -1 : Math.max(m, 1);
  return Number(opts.slots);
}

function startSeeder(client, bundle, config) {
  const json = JSON.stringify(config);
  const child = client === 'typetorrent'
    ? spawn(process.execPath, [...nodeArgs, path.join(here, 'lib/load-seeder.mjs'), bundle, json], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(PYTHON, ['-u', path.join(here, 'lib/lt_load_seeder.py'), json], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  return { child, lines: jsonLines(child.stdout, `${client} seeder`), stderr: () => stderr };
}

function startLeechers(bundle, big, port, m) {
  const processes = Math.ceil(m / 100);
  const out = [];
  for (let p = 0; p < processes; p++) {
    const count = Math.floor(m / processes) + (p < m % processes ? 1 : 0);
    const config = { port, infoHash: big.infoHash, length: big.length, pieceLength: big.pieceLength, count, first: p * 1000, depth: Number(opts.depth) };
    const child = spawn(process.execPath, [path.join(here, 'lib/load-leecher.mjs'), bundle, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    out.push({ child, lines: jsonLines(child.stdout, 'leechers') });
  }
  return out;
}

async function ask(procs, command, event) {
  for (const p of procs) p.child.stdin.write(`${command}\n`);
  return await Promise.all(procs.map((p) => p.lines.next(event, 30_000)));
}

async function stopAll(procs) {
  await Promise.all(procs.map(async (p) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    const exited = new Promise((resolve) => p.child.once('exit', resolve));
    p.child.stdin.end();
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }));
}

/** One scenario for one client: a fresh seeder, its start-up, then a measured window. */
async function runScenario(client, bundle, data, n, m) {
  // No resume data from an earlier run: both clients check every torrent at start.
  for (const dir of [data.small?.data, data.big?.data]) if (dir !== undefined) fs.rmSync(path.join(dir, '.typetorrent'), { recursive: true, force: true });
  const config = {
    torrents: n > 0 ? data.small.torrents : path.join(opts.work, 'none'),
    data: data.small?.data ?? opts.work,
    big: m > 0 ? { torrent: data.big.torrent, data: data.big.data } : null,
    slots: slotsFor(client, m),
    // libtorrent took incoming connections only up to about 70% of connections_limit here (176 of 200
    // leechers at a limit of 250), so both get room for three times the leechers.
    maxConnections: Math.max(500, 3 * m),
  };
  const started = process.hrtime.bigint();
  const seeder = startSeeder(client, bundle, config);
  const procs = [seeder];
  try {
    const ready = await seeder.lines.next('seeding', Number(opts['start-timeout']) * 1000).catch((error) => {
      throw new Error(`${error.message}; stderr: ${seeder.stderr().slice(-500)}`);
    });
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await sleep(2000); // start-up work (checks, first allocations) settles before the window
    let leechers = [];
    let status = { connected: 0, unchoked: 0, closed: 0 };
    if (m > 0) {
      leechers = startLeechers(bundle, data.big, ready.port, m);
      procs.push(...leechers);
      await Promise.all(leechers.map((l) => l.lines.next('ready', 60_000)));
      const deadline = Date.now() + Number(opts.warmup) * 1000;
      do {
        await sleep(250);
        const all = await ask(leechers, 'status', 'status');
        status = { connected: all.reduce((s, x) => s + x.connected, 0), unchoked: all.reduce((s, x) => s + x.unchoked, 0), closed: all.reduce((s, x) => s + x.closed, 0) };
      } while (status.unchoked < m && Date.now() < deadline);
    }
    const probe = { child: spawn(process.execPath, [path.join(here, 'lib/eld-probe.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] }) };
    probe.lines = jsonLines(probe.child.stdout, 'probe');
    procs.push(probe);
    await probe.lines.next('ready');
    for (const p of procs) p.child.stdin.write('start\n');
    const sampler = sampleProcess(seeder.child.pid);
    const probeSampler = sampleProcess(probe.child.pid, 1000);
    await sleep(seconds * 1000);
    const cost = sampler.stop();
    const probeCost = probeSampler.stop();
    const [window, probed] = await ask([seeder, probe], 'stop', 'window');
    const got = m > 0 ? await ask(leechers, 'stop', 'window') : [];
    const bytes = got.reduce((s, x) => s + x.bytes, 0);
    return {
      ...cost,
      startSeconds,
      seeding: `${ready.seeding}/${ready.count}`,
      eld: window.eld,
      probe: { ...probed.eld, cpuShare: (100 * probeCost.cpu) / probeCost.wall },
      bytes,
      receiving: got.reduce((s, x) => s + x.receiving, 0),
      connected: status.connected,
      unchoked: status.unchoked,
      closed: status.closed,
    };
  } finally {
    await stopAll(procs);
  }
}

/** Medians over rounds of every numeric field (event-loop delay too); the last round's text fields. */
function medianOf(runs) {
  if (runs.length === 0) return undefined;
  const out = { ...runs.at(-1), rounds: runs.length };
  for (const key of Object.keys(out)) if (typeof out[key] === 'number' && key !== 'rounds') out[key] = median(runs.map((r) => r[key]));
  for (const key of ['eld', 'probe']) if (runs[0][key] !== undefined) out[key] = Object.fromEntries(Object.keys(runs[0][key]).map((k) => [k, median(runs.map((r) => r[key]?.[k]))]));
  return out;
}

async function main() {
  fs.mkdirSync(opts.work, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-load-bundle-'));
  try {
    const bundle = await bundleEngine(scratch, opts.rev);
    const engine = await import(bundle);
    const tree = opts.rev ?? describeTree();
    const scenarios = [
      ...torrentCounts.map((n) => ({ n, m: 0 })),
      ...peerCounts.map((m) => ({ n: 0, m })),
      ...combined,
    ];
    const big = scenarios.some((s) => s.m > 0) ? await bigTorrent(engine, opts.work, sizeMiB) : undefined;
    const results = [];
    for (const { n, m } of scenarios) {
      const data = { big, small: n > 0 ? await smallTorrents(engine, opts.work, n) : undefined };
      const runs = Object.fromEntries(clients.map((c) => [c, []]));
      const errors = {};
      for (let round = 1; round <= rounds; round++) {
        const order = round % 2 === 1 ? clients : [...clients].reverse();
        for (const client of order) {
          if (errors[client] !== undefined) continue;
          log(`${client}: ${n} torrents, ${m} leechers, round ${round}/${rounds} ...`);
          try {
            const r = await runScenario(client, bundle, data, n, m);
            log(`${client}: start ${r.startSeconds.toFixed(2)} s, cpu ${r.cpu.toFixed(2)} s, rss ${r.rssMiB.toFixed(0)} MiB, fds ${r.fds}, ${(r.bytes / 1e6 / r.wall).toFixed(0)} MB/s, receiving ${r.receiving}/${m} (connected ${r.connected}, unchoked ${r.unchoked}, closed ${r.closed} at start)${r.eld ? `, eld p99 ${r.eld.p99.toFixed(1)} ms` : ''}`);
            runs[client].push(r);
          } catch (error) {
            errors[client] = error.message;
            log(`${client}: FAILED ${error.message}`);
          }
        }
      }
      results.push({ n, m, by: Object.fromEntries(clients.map((c) => [c, medianOf(runs[c])])), errors });
    }
    const heading = `Load benchmark: engine at ${tree}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString()}. Medians of ${rounds} round(s), clients interleaved; ${seconds} s windows; slots ${opts.slots}; leecher queue ${opts.depth} blocks; big torrent ${sizeMiB} MiB.`;
    console.log([heading, '', idleTable(results.filter((r) => r.m === 0)), '', peersTable(results.filter((r) => r.m > 0)), '', ...perPeerLines(results.filter((r) => r.n === 0 && r.m > 0))].join('\n'));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
