// One measured scenario of tools/bench/load.mjs for one client: a fresh seeder process (typetorrent:
// load-seeder.mjs; libtorrent: lt_load_seeder.py) started fresh or from resume data, its leechers,
// the idle probe, and a window read from /proc the same way for both clients.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonLines } from './json-lines.mjs';
import { sampleProcess } from './proc-stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
/**
 * Leechers of one torrent each client unchokes by default: typetorrent 4 regular + 1 optimistic per
 * torrent (tuning.uploadSlots; 8 per session), libtorrent unchoke_slots_limit 8 for the session.
 */
const DEFAULT_UNCHOKED = { typetorrent: 5, libtorrent: 8 };
/** Extra node flags for the typetorrent seeder, e.g. TT_LOAD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const nodeArgs = (process.env.TT_LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upload slots for M leechers: `all` opens them to M (libtorrent: unlimited), `default` leaves each client's own. */
function slotsFor(client, slots, m) {
  if (m === 0 || slots === 'default') return null;
  if (slots === 'all') return client === 'libtorrent' ? -1 : Math.max(m, 1);
  return Number(slots);
}

/** How many leechers can be unchoked at once with this setting: the warm-up waits for that many. */
function unchokable(client, slots, m) {
  if (slots === 'all') return m;
  return Math.min(m, slots === 'default' ? DEFAULT_UNCHOKED[client] : Number(slots));
}

/** Where a client keeps the resume records of scenario (n, m); `fresh` runs get an empty folder each time. */
export function resumeDir(plan, client, n, m, start) {
  return path.join(plan.work, 'resume', start === 'resume' ? `${client}-${n}-${m}` : `${client}-fresh`);
}

function seederConfig(plan, client, data, variant, resume) {
  const { n, m } = variant;
  return {
    torrents: n > 0 ? data.small.torrents : path.join(plan.work, 'none'),
    data: data.small?.data ?? plan.work,
    big: m > 0 ? { torrent: data.big.torrent, data: data.big.data } : null,
    slots: slotsFor(client, variant.slots, m),
    // libtorrent took incoming connections only up to about 70% of connections_limit here (176 of 200
    // leechers at a limit of 250), so both get room for three times the leechers.
    maxConnections: Math.max(500, 3 * m),
    resume,
  };
}

function startSeeder(client, bundle, config) {
  const json = JSON.stringify(config);
  const child = client === 'typetorrent'
    ? spawn(process.execPath, [...nodeArgs, path.join(here, 'load-seeder.mjs'), bundle, json], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(PYTHON, ['-u', path.join(here, 'lt_load_seeder.py'), json], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  return { child, lines: jsonLines(child.stdout, `${client} seeder`), stderr: () => stderr };
}

/** Leecher processes (100 connections each at most), under `nice -n NICE` when NICE > 0: the load, not the measured process. */
function startLeechers(plan, bundle, big, port, m, nice) {
  const processes = Math.ceil(m / 100);
  const out = [];
  for (let p = 0; p < processes; p++) {
    const count = Math.floor(m / processes) + (p < m % processes ? 1 : 0);
    const config = { port, infoHash: big.infoHash, length: big.length, pieceLength: big.pieceLength, count, first: p * 1000, depth: plan.depth };
    const argv = [process.execPath, path.join(here, 'load-leecher.mjs'), bundle, JSON.stringify(config)];
    // nice(1) before exec, so every thread Node starts inherits it (setpriority on a pid moves only one thread).
    const [command, ...args] = nice > 0 ? ['/usr/bin/nice', '-n', String(nice), ...argv] : argv;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
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

async function seeding(seeder, plan) {
  return await seeder.lines.next('seeding', plan.startTimeoutSeconds * 1000).catch((error) => {
    throw new Error(`${error.message}; stderr: ${seeder.stderr().slice(-500)}`);
  });
}

/**
 * Writes the resume data a `resume` run of (n, m) starts from: a seeder started fresh (checking
 * everything), then told to save (typetorrent: Session.close(); libtorrent: save_resume_data for
 * every torrent). Returns the records written and the seconds it took.
 */
export async function primeResume(plan, client, bundle, data, n, m) {
  const dir = resumeDir(plan, client, n, m, 'resume');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const seeder = startSeeder(client, bundle, seederConfig(plan, client, data, { n, m, slots: 'default' }, { dir, save: true }));
  try {
    await seeding(seeder, plan);
    seeder.child.stdin.write('save\n');
    const saved = await seeder.lines.next('saved', plan.startTimeoutSeconds * 1000);
    return { count: saved.count, seconds: (Date.now() - started) / 1000 };
  } finally {
    await stopAll([seeder]);
  }
}

/** One scenario variant for one client: a fresh seeder process, its start-up, then a measured window. */
export async function runScenario(plan, client, bundle, data, variant) {
  const { n, m, start } = variant;
  // Fresh: no resume data anywhere, so both clients check every torrent at start.
  for (const dir of [data.small?.data, data.big?.data]) if (dir !== undefined) fs.rmSync(path.join(dir, '.typetorrent'), { recursive: true, force: true });
  const dir = resumeDir(plan, client, n, m, start);
  if (start === 'fresh') fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const records = fs.readdirSync(dir).filter((name) => name.endsWith('.resume')).length;
  const started = process.hrtime.bigint();
  const seeder = startSeeder(client, bundle, seederConfig(plan, client, data, variant, { dir, save: false }));
  const procs = [seeder];
  try {
    const ready = await seeding(seeder, plan);
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await sleep(2000); // start-up work (checks, first allocations) settles before the window
    let leechers = [];
    let status = { connected: 0, unchoked: 0, closed: 0 };
    if (m > 0) {
      leechers = startLeechers(plan, bundle, data.big, ready.port, m, variant.nice);
      procs.push(...leechers);
      await Promise.all(leechers.map((l) => l.lines.next('ready', 60_000)));
      const deadline = Date.now() + plan.warmupSeconds * 1000;
      const wanted = unchokable(client, variant.slots, m);
      do {
        await sleep(250);
        const all = await ask(leechers, 'status', 'status');
        status = { connected: all.reduce((s, x) => s + x.connected, 0), unchoked: all.reduce((s, x) => s + x.unchoked, 0), closed: all.reduce((s, x) => s + x.closed, 0) };
      } while (status.unchoked < wanted && Date.now() < deadline);
    }
    // The probe runs at the seeder's priority (not niced): what the machine does to a timer.
    const probe = { child: spawn(process.execPath, [path.join(here, 'eld-probe.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] }) };
    probe.lines = jsonLines(probe.child.stdout, 'probe');
    procs.push(probe);
    await probe.lines.next('ready');
    for (const p of procs) p.child.stdin.write('start\n');
    const sampler = sampleProcess(seeder.child.pid);
    const probeSampler = sampleProcess(probe.child.pid, 1000);
    await sleep(plan.seconds * 1000);
    const cost = sampler.stop();
    const probeCost = probeSampler.stop();
    const [window, probed] = await ask([seeder, probe], 'stop', 'window');
    const got = m > 0 ? await ask(leechers, 'stop', 'window') : [];
    const bytes = got.reduce((s, x) => s + x.bytes, 0);
    // Torrents that started from a resume record: typetorrent counts those that hashed nothing,
    // libtorrent those whose record it loaded and did not reject.
    const resumed = client === 'typetorrent' ? ready.count - ready.hashed : ready.loaded - ready.rejected;
    const { preempted, ...rest } = cost;
    return {
      ...rest,
      preemptedMain: preempted.main / cost.wall,
      preemptedAll: preempted.all / cost.wall,
      startSeconds,
      seeding: `${ready.seeding}/${ready.count}`,
      records,
      resumed,
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
