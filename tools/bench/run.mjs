#!/usr/bin/env node
// Benchmarks TypeTorrent beside libtorrent, aria2, Transmission and WebTorrent on one loopback swarm,
// in one run, and prints markdown tables (medians over rounds, ratios to typetorrent).
//
//   npm run bench                           # 1 GiB single file + 300 small files, 3 rounds
//   npm run bench -- --size 256 --rounds 1  # quicker
//
// Options: --size MiB (single-file torrent, default 1024), --files N (many-file torrent, default 300,
// 0 to skip), --rounds N (default 3), --clients a,b,c, --no-seed (skip the seeding comparison),
// --no-encrypted (skip the encrypted download: the single file from a libtorrent seeder that requires
// RC4, typetorrent and libtorrent only), --no-utp (skip the uTP table: typetorrent and libtorrent
// downloading from a libtorrent seeder with TCP off), --utp-size MiB (its single file, default 256),
// --no-micro (skip micro-benchmarks), --work DIR (data folder, default /tmp/typetorrent-bench, reused
// between runs), --out FILE (default bench-results/latest.md).
// Needs `npm run build` first. Run as root to get a loopback-only network namespace (required for
// webtorrent-cli, which cannot turn off DHT).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { freePort, LT_PEER_SCRIPT, SYSTEM_PYTHON } from '@typetorrent/testkit';
import { clients, installWebtorrentCli } from './lib/clients.mjs';
import { measure, median } from './lib/measure.mjs';
import { canUseNetns, rerunInNetns } from './lib/netns.mjs';
import { downloadTable, seedingTable } from './lib/report.mjs';
import { makeManyFiles, makeSingleFile, startSwarm } from './lib/swarm.mjs';
import { utpComparison } from './lib/utp-rows.mjs';
import { fingerprint, matches } from './lib/verify.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' },
    files: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    clients: { type: 'string', default: Object.keys(clients).join(',') },
    'no-seed': { type: 'boolean', default: false },
    'no-encrypted': { type: 'boolean', default: false },
    'no-micro': { type: 'boolean', default: false },
    'no-utp': { type: 'boolean', default: false },
    'utp-size': { type: 'string', default: '256' },
    'no-netns': { type: 'boolean', default: false },
    work: { type: 'string', default: path.join(os.tmpdir(), 'typetorrent-bench') },
    out: { type: 'string', default: path.join(root, 'bench-results/latest.md') },
  },
});

if (process.env.TT_BENCH_IN_NETNS !== '1' && !opts['no-netns'] && canUseNetns()) {
  // Inside the namespace there is no network: install what comes from npm first.
  if (wantedClients().includes('webtorrent')) installWebtorrentCli();
  const code = rerunInNetns(process.argv.slice(1));
  if (code !== null) process.exit(code);
  console.error('could not create a network namespace; running without one');
}

const rounds = Number(opts.rounds);
const wanted = wantedClients();
function wantedClients() {
  return opts.clients.split(',').map((s) => s.trim()).filter(Boolean);
}
fs.mkdirSync(opts.work, { recursive: true });
const log = (...a) => console.error('[bench]', ...a);

/**
 * Every client once per round, in an order rotated each round: the machine's noise (other tenants,
 * a busy minute) then falls on every client alike, where running one client's rounds back to back
 * would hand one client a quiet minute and another a busy one. Before each run the page cache is
 * written back (`sync`) and the machine left idle for a moment, so no client pays for the gigabyte
 * the previous one (or the seeder's check) left dirty.
 */
async function settle() {
  spawnSync('sync');
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
const SETTLE_MS = 1000;

/** Clients that speak MSE and take part in the encrypted row. */
const ENCRYPTING_CLIENTS = ['typetorrent', 'libtorrent'];

async function leechRounds(swarm, payloadBytes, names = wanted) {
  const rows = new Map();
  const active = [];
  for (const name of names) {
    const client = clients[name];
    if (!client) { rows.set(name, { client: name, runs: [], note: 'unknown client' }); continue; }
    const why = client.unavailable();
    if (why) { log(`${name}: skipped: ${why}`); rows.set(name, { client: name, runs: [], note: `not run: ${why}` }); continue; }
    rows.set(name, { client: name, runs: [], note: '', stopped: false });
    active.push(name);
  }
  for (let round = 1; round <= rounds; round++) {
    const order = active.map((_, i) => active[(i + round - 1) % active.length]);
    for (const name of order) {
      const row = rows.get(name);
      if (row.stopped) continue;
      const outDir = fs.mkdtempSync(path.join(opts.work, `out-${name}-`));
      const port = await freePort();
      await settle();
      log(`${name}: round ${round}/${rounds} ...`);
      const r = await clients[name].run(swarm, outDir, port);
      if (r.skipped) { row.note = r.skipped; row.stopped = true; fs.rmSync(outDir, { recursive: true, force: true }); continue; }
      const check = r.code === 0 || name === 'libtorrent' ? await matches(swarm.expected, path.join(outDir, swarm.outputName)) : { ok: false, why: `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}: ${r.tail.slice(-300)}` };
      if (!check.ok) row.note = `failed: ${check.why}`;
      log(`${name}: ${check.ok ? 'ok' : 'FAILED ' + check.why} ${r.wall}s cpu ${r.cpu.toFixed(2)}s rss ${r.rssMiB.toFixed(0)}MiB`);
      row.runs.push({ ok: check.ok, wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB, received: r.received });
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }
  return names.map((name) => {
    const row = rows.get(name);
    return { client: row.client, runs: row.runs, note: row.note || clients[name]?.note || '' };
  });
}

/** How much payload typetorrent received beyond the torrent's size (duplicates, refetched pieces). */
function wasteLine(rows, payload) {
  const received = rows.find((row) => row.client === 'typetorrent')?.runs.map((run) => run.received).filter((x) => Number.isFinite(x)) ?? [];
  if (received.length === 0) return 'typetorrent payload received: not measured';
  const worst = Math.max(...received);
  return `typetorrent payload received: median ${(median(received) / 2 ** 20).toFixed(1)} MiB for ${(payload / 2 ** 20).toFixed(1)} MiB (waste ${((median(received) / payload - 1) * 100).toFixed(2)}% median, ${((worst / payload - 1) * 100).toFixed(2)}% worst of ${received.length})`;
}

/** A seeder process under GNU time until SIGINT; resolves the measurement once it exits. */
function startMeasuredSeeder(command, args, readyText) {
  let resolveReady;
  const ready = new Promise((r) => (resolveReady = r));
  let child;
  let signalGroup = () => undefined;
  const done = measure(command, args, {
    timeoutMs: 60 * 60_000,
    stdin: 'pipe',
    onSpawn: (signal) => (signalGroup = signal),
    onLine: (line, c) => { child = c; if (line.includes(readyText)) resolveReady(); },
  });
  return { ready, done, stop: () => { child?.stdin?.end(); signalGroup('SIGINT'); } };
}

async function seedingComparison(data, payloadBytes) {
  // A torrent with the same info but no tracker, so the leecher talks only to the seeder under test.
  const { torrent } = await createTorrentFromPath(data.sourcePath, { pieceLength: data.pieceLength });
  const torrentPath = path.join(opts.work, 'seed-bench.torrent');
  fs.writeFileSync(torrentPath, torrent);
  const expected = await fingerprint(data.sourcePath);
  const seeders = {
    typetorrent: (port) => startMeasuredSeeder(process.execPath, [path.join(root, 'apps/cli/dist/main.js'), 'seed', torrentPath, data.sourcePath, '--port', String(port), '--json'], '"seeding"'),
    libtorrent: (port) => startMeasuredSeeder(SYSTEM_PYTHON, ['-u', LT_PEER_SCRIPT, 'run', '--seed', '--torrent', torrentPath, '--save', data.seedDir, '--port', String(port)], '"seeding"'),
  };
  const rows = [];
  for (const [name, start] of Object.entries(seeders)) {
    const leecherRuns = [];
    const seederRuns = [];
    let note = '';
    for (let round = 1; round <= rounds; round++) {
      const port = await freePort();
      await settle();
      const seeder = start(port);
      let startTimer;
      const ready = await Promise.race([seeder.ready.then(() => true), seeder.done.then(() => false), new Promise((r) => (startTimer = setTimeout(() => r(false), 600_000)))]);
      // Cleared, or the process would linger ten minutes after its report.
      clearTimeout(startTimer);
      if (!ready) { note = 'seeder did not start'; seeder.stop(); const s = await seeder.done; note += `: ${s.tail.slice(-200)}`; break; }
      const outDir = fs.mkdtempSync(path.join(opts.work, `seedbench-${name}-`));
      log(`seeding by ${name}: round ${round}/${rounds} ...`);
      const r = await measure(SYSTEM_PYTHON, ['-u', LT_PEER_SCRIPT, 'run', '--torrent', torrentPath, '--save', outDir, '--peer', `127.0.0.1:${port}`], {
        timeoutMs: 30 * 60_000, stdin: 'pipe',
        onLine: (line, child) => { if (line.includes('"finished"') || line.includes('"error"')) child.stdin?.end(); },
      });
      seeder.stop();
      const s = await seeder.done;
      const check = await matches(expected, path.join(outDir, path.basename(data.sourcePath)));
      if (!check.ok) note = `failed: ${check.why}`;
      log(`seeding by ${name}: ${check.ok ? 'ok' : 'FAILED ' + check.why} leecher ${r.wall}s; seeder cpu ${s.cpu.toFixed(2)}s rss ${s.rssMiB.toFixed(0)}MiB`);
      leecherRuns.push({ ok: check.ok, wall: r.wall });
      seederRuns.push({ cpu: s.cpu, rssMiB: s.rssMiB });
      fs.rmSync(outDir, { recursive: true, force: true });
    }
    rows.push({ seeder: name, leecherRuns, seederRuns, note });
  }
  return seedingTable(`Seeding: a libtorrent leecher downloading ${data.label} from each seeder`, payloadBytes, rows);
}

function microBenchmarks() {
  const out = [];
  for (const script of ['bencode.mjs', 'peer-wire.mjs', 'storage.mjs']) {
    const file = path.join(here, script);
    if (!fs.existsSync(file)) continue;
    log(`micro-benchmark ${script} ...`);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', cwd: root, timeout: 20 * 60_000 });
    out.push(`#### ${script}\n\n${(r.stdout || '').trim() || `(failed: ${(r.stderr || '').slice(-500)})`}`);
  }
  return out.join('\n\n');
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

const sections = [
  `## Benchmark results`,
  '',
  `Run ${new Date().toISOString().slice(0, 16)}Z on ${machine()}${process.env.TT_BENCH_IN_NETNS === '1' ? ', inside a loopback-only network namespace' : ''}.`,
  `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`. Medians of ${rounds} round(s); every output verified against the source data.`,
  '',
];
const datasets = [makeSingleFile(opts.work, Number(opts.size))];
datasets[0].label = `${opts.size} MiB single file, 1 MiB pieces`;
if (Number(opts.files) > 0) {
  const many = makeManyFiles(opts.work, Number(opts.files));
  many.label = `${opts.files} files, 256 KiB pieces`;
  datasets.push(many);
}
for (const data of datasets) {
  log(`swarm for ${data.label}: hashing and checking ...`);
  const swarm = await startSwarm(data, opts.work);
  const payload = swarm.metainfo.totalLength;
  try {
    const rows = await leechRounds(swarm, payload);
    sections.push(downloadTable(`Download from a libtorrent seeder (opentracker over HTTP): ${data.label}, ${(payload / 2 ** 20).toFixed(0)} MiB`, payload, rows), '');
    sections.push(wasteLine(rows, payload), '');
  } finally {
    await swarm.stop();
  }
  if (!opts['no-seed'] && data === datasets[0]) sections.push(await seedingComparison(data, payload), '');
  const encrypting = ENCRYPTING_CLIENTS.filter((name) => wanted.includes(name));
  if (!opts['no-encrypted'] && data === datasets[0] && encrypting.length > 0) {
    log(`encrypted swarm for ${data.label}: the seeder requires RC4 ...`);
    const encrypted = await startSwarm(data, opts.work, { encryption: 'require' });
    try {
      const rows = await leechRounds(encrypted, payload, encrypting);
      sections.push(downloadTable(`Encrypted download (MSE, RC4) from a libtorrent seeder that refuses plaintext: ${data.label}, ${(payload / 2 ** 20).toFixed(0)} MiB`, payload, rows), '');
    } finally {
      await encrypted.stop();
    }
  }
}
if (!opts['no-utp']) {
  const data = makeSingleFile(opts.work, Number(opts['utp-size']));
  log(`uTP: ${opts['utp-size']} MiB from a libtorrent seeder with TCP off ...`);
  sections.push(await utpComparison({ data, label: `${opts['utp-size']} MiB single file, 1 MiB pieces`, workDir: opts.work, rounds, clients: wanted, settle, log }), '');
}
if (!opts['no-micro']) sections.push('### Micro-benchmarks', '', microBenchmarks(), '');
const report = sections.join('\n');
fs.mkdirSync(path.dirname(opts.out), { recursive: true });
fs.writeFileSync(opts.out, report + '\n');
console.log(report);
