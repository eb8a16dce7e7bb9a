#!/usr/bin/env node
// Downloading from several seeders at once (issue 17 goal: at least libtorrent's speed at no more
// than 0.8x its CPU per GiB). K python3-libtorrent seeders of one torrent on 127.0.0.1; typetorrent
// (the engine source bundled with esbuild, defaults, FileStorage: lib/multi-seed-leecher.mjs) and a
// python3-libtorrent leecher (testkit's lt_peer.py) each download it from all K in turn, interleaved
// (order swapped every round), into an empty folder; every output is checked byte for byte.
//
//   node tools/bench/multi-seed.mjs                       # 512 MiB, 3 seeders, 3 rounds
//   node tools/bench/multi-seed.mjs --size 1024 --rounds 5
//   node tools/bench/multi-seed.mjs --quick               # 128 MiB, 1 round
//   --profile DIR: typetorrent's leecher runs under node --cpu-prof, profiles in DIR
//   --perf FILE: typetorrent's leecher runs under `perf record -g` (node --perf-basic-prof), data in FILE
//   --rev REV (repeatable): typetorrent's engine from git revision REV ("." = the working tree, the
//     default); with several, each is a row of its own, interleaved with the others and libtorrent in
//     every round, so a before/after comparison shares the machine's load. The working tree's row (or
//     else the last REV's) is "typetorrent", the reference of the ratio columns; the others are
//     "typetorrent@REV".
//
// Speed: the payload over the time from the leecher process starting its transfer ("adding" /
// "listening" on its stdout) to it saying it is done. CPU per GiB: user + system seconds of all the
// leecher's threads over that same window (read from /proc by this process, the same way for both),
// per GiB of payload; the whole process under GNU time (start-up, interpreter and close included) is
// given beside it. Second half: the same CPU from the moment half the payload is verified to the end,
// per GiB of what was left then, which leaves out most of the JIT compiler's warm-up that a transfer
// of a second or two pays in full (typetorrent says "half" exactly; libtorrent's leecher reports its
// progress twice a second, so its window starts at the first report at or past 50%).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleEngine, describeTree } from './lib/engine-bundle.mjs';
import { jsonLines } from './lib/json-lines.mjs';
import { measure, median } from './lib/measure.mjs';
import { readProc } from './lib/proc-stats.mjs';
import { downloadTable } from './lib/report.mjs';
import { fingerprint, matches } from './lib/verify.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const PYTHON = '/usr/bin/python3';
const LT_PEER = path.join(root, 'packages/testkit/python/lt_peer.py');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    size: { type: 'string' },
    seeders: { type: 'string', default: '3' },
    rounds: { type: 'string' },
    profile: { type: 'string' },
    perf: { type: 'string' },
    work: { type: 'string', default: path.join(os.tmpdir(), 'typetorrent-multi-seed') },
    rev: { type: 'string', multiple: true },
  },
});
const sizeMiB = Number(opts.size ?? (opts.quick ? 128 : 512));
const seederCount = Number(opts.seeders);
const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 3));
if (!(sizeMiB >= 1 && sizeMiB <= 4096) || !(seederCount >= 1 && seederCount <= 10) || !(rounds >= 1 && rounds <= 15)) throw new Error('--size 1..4096, --seeders 1..10, --rounds 1..15');
const log = (...a) => console.error('[multi-seed]', ...a);

/** Deterministic data (xorshift32), reused when already there. */
function writeData(file, bytes) {
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const chunk = new Uint32Array(1 << 20);
  let x = 2463534242;
  for (let written = 0; written < bytes; written += chunk.byteLength) {
    for (let i = 0; i < chunk.length; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      chunk[i] = x;
    }
    fs.writeSync(fd, new Uint8Array(chunk.buffer, 0, Math.min(chunk.byteLength, bytes - written)));
  }
  fs.closeSync(fd);
}

function startSeeder(torrent, save) {
  const child = spawn(PYTHON, ['-u', LT_PEER, 'run', '--seed', '--torrent', torrent, '--save', save], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { child, ready: jsonLines(child.stdout, 'libtorrent seeder').next('seeding', 600_000) };
}

/** Runs one leecher under GNU time; resolves with wall (transfer), cpu, rssMiB. */
async function leech(client, bundle, torrent, out, peers) {
  let began = 0n;
  let ended = 0n;
  let cpuBegan = { cpu: NaN, user: NaN, sys: NaN };
  let cpuEnded = cpuBegan;
  let cpuHalf = cpuBegan;
  /** Fraction of the payload verified when the second-half window began. */
  let halfAt = NaN;
  // The client is the only child of GNU time (of perf, under --perf).
  const clientCpu = (time) => {
    let pid = time.pid;
    try {
      for (let depth = 0; depth < (opts.perf !== undefined && client !== 'libtorrent' ? 2 : 1); depth++) pid = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]);
      return readProc(pid);
    } catch {
      return { cpu: NaN, user: NaN, sys: NaN };
    }
  };
  const onLine = (line, child) => {
    if (Number.isNaN(halfAt) && (line.includes('"half"') || line.includes('"progress"'))) {
      const fraction = Number(JSON.parse(line)[line.includes('"half"') ? 'fraction' : 'progress']);
      if (fraction >= 0.5 && fraction < 1) {
        halfAt = fraction;
        cpuHalf = clientCpu(child);
      }
    }
    if (line.includes('"adding"') || line.includes('"listening"')) {
      began = process.hrtime.bigint();
      cpuBegan = clientCpu(child);
    }
    if (line.includes('"done"') || line.includes('"finished"')) {
      ended = process.hrtime.bigint();
      cpuEnded = clientCpu(child);
    }
    if (line.includes('"finished"') || line.includes('"error"')) child.stdin?.end();
  };
  const profile = opts.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.profile)}`];
  const perf = opts.perf === undefined ? [] : ['record', '-q', '-g', '-F', '999', '-o', path.resolve(opts.perf), process.execPath, '--perf-basic-prof'];
  const r = client !== 'libtorrent'
    ? await measure(perf.length > 0 ? 'perf' : process.execPath, [...perf, ...profile, path.join(here, 'lib/multi-seed-leecher.mjs'), bundle, torrent, out, peers.join(',')], { timeoutMs: 15 * 60_000, onLine })
    : await measure(PYTHON, ['-u', LT_PEER, 'run', '--torrent', torrent, '--save', out, ...peers.flatMap((p) => ['--peer', p])], { timeoutMs: 15 * 60_000, stdin: 'pipe', onLine });
  return {
    ...r,
    transfer: began > 0n && ended > began ? Number(ended - began) / 1e9 : NaN,
    transferCpu: cpuEnded.cpu - cpuBegan.cpu,
    user: cpuEnded.user - cpuBegan.user,
    sys: cpuEnded.sys - cpuBegan.sys,
    // CPU seconds per GiB over the second-half window (NaN when no mark came).
    secondHalf: (cpuEnded.cpu - cpuHalf.cpu) / (((1 - halfAt) * (sizeMiB << 20)) / 2 ** 30),
  };
}

async function main() {
  const work = opts.work;
  fs.mkdirSync(work, { recursive: true });
  const revs = opts.rev ?? ['.'];
  const named = revs.includes('.') ? '.' : revs.at(-1);
  const variants = [];
  for (const rev of revs) {
    const bundle = await bundleEngine(fs.mkdtempSync(path.join(os.tmpdir(), 'tt-multi-bundle-')), rev === '.' ? undefined : rev);
    variants.push({ name: rev === named ? 'typetorrent' : `typetorrent@${rev}`, rev, bundle });
  }
  const seedDir = path.join(work, `seed-${sizeMiB}`);
  const source = path.join(seedDir, 'payload.bin');
  writeData(source, sizeMiB << 20);
  const torrent = path.join(work, `payload-${sizeMiB}.torrent`);
  const made = spawnSync(PYTHON, [LT_PEER, 'make-torrent', '--source', source, '--out', torrent, '--piece-size', String(1 << 20)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-torrent: ${made.stdout}${made.stderr}`);
  const expected = await fingerprint(source);
  log(`starting ${seederCount} libtorrent seeders of ${sizeMiB} MiB ...`);
  const seeders = Array.from({ length: seederCount }, () => startSeeder(torrent, seedDir));
  const rows = Object.fromEntries([...variants.map((v) => v.name), 'libtorrent'].map((client) => [client, { client, runs: [], note: '' }]));
  const bundleOf = Object.fromEntries(variants.map((v) => [v.name, v.bundle]));
  try {
    const peers = (await Promise.all(seeders.map((s) => s.ready))).map((ready) => `127.0.0.1:${ready.port}`);
    for (let round = 1; round <= rounds; round++) {
      const clients = Object.keys(rows);
      for (const client of round % 2 === 1 ? clients : [...clients].reverse()) {
        const out = fs.mkdtempSync(path.join(work, `out-${client}-`));
        spawnSync('sync');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const r = await leech(client, bundleOf[client], torrent, out, peers);
        const check = await matches(expected, path.join(out, 'payload.bin'));
        if (!check.ok) rows[client].note = `failed: ${check.why} ${r.tail.slice(-300)}`;
        log(`${client} round ${round}: ${check.ok ? 'ok' : 'FAILED'} transfer ${r.transfer.toFixed(2)} s (${((sizeMiB << 20) / 1e6 / r.transfer).toFixed(0)} MB/s), cpu ${r.transferCpu.toFixed(2)} s (user ${r.user.toFixed(2)}, sys ${r.sys.toFixed(2)}), second half ${r.secondHalf.toFixed(2)} s/GiB; process ${r.wall} s, cpu ${r.cpu.toFixed(2)} s, rss ${r.rssMiB.toFixed(0)} MiB`);
        rows[client].runs.push({ ok: check.ok, wall: r.transfer, cpu: r.transferCpu, processCpu: r.cpu, user: r.user, sys: r.sys, rssMiB: r.rssMiB, secondHalf: r.secondHalf });
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    for (const s of seeders) s.child.stdin.end();
  }
  const bytes = sizeMiB << 20;
  const cpuPerGiB = (row) => median(row.runs.filter((x) => x.ok).map((x) => x.cpu)) / (bytes / 2 ** 30);
  const processPerGiB = (row) => median(row.runs.filter((x) => x.ok).map((x) => x.processCpu)) / (bytes / 2 ** 30);
  const speed = (row) => bytes / 1e6 / median(row.runs.filter((x) => x.ok).map((x) => x.wall));
  const secondHalf = (row) => median(row.runs.filter((x) => x.ok && Number.isFinite(x.secondHalf)).map((x) => x.secondHalf));
  const t = rows.typetorrent;
  const l = rows.libtorrent;
  const all = Object.values(rows);
  const roundsOf = (row) => row.runs.map((x) => `${x.wall.toFixed(2)} / ${x.cpu.toFixed(2)} = ${x.user.toFixed(2)} + ${x.sys.toFixed(2)} (second half ${x.secondHalf.toFixed(2)})`).join(', ');
  console.log([
    `Download from ${seederCount} python3-libtorrent seeders at once: engine at ${describeTree()}${variants.length > 1 || revs[0] !== '.' ? ` (revisions: ${variants.map((v) => `${v.name} = ${v.rev === '.' ? 'working tree' : v.rev}`).join(', ')})` : ''}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}; medians of ${rounds} interleaved round(s).`,
    '',
    downloadTable(`${sizeMiB} MiB single file, 1 MiB pieces, from ${seederCount} seeders (median s and CPU: the transfer window)`, bytes, all),
    '',
    `Whole leecher process (GNU time, start-up and close included), CPU s/GiB: ${all.map((row) => `${row.client} ${processPerGiB(row).toFixed(2)}`).join(', ')}.`,
    `Second half of the transfer (from half the payload verified to the end; most JIT warm-up left out), CPU s/GiB: ${all.map((row) => `${row.client} ${secondHalf(row).toFixed(2)}`).join(', ')}.`,
    `Rounds (transfer s / CPU s = user + system): ${all.map((row) => `${row.client} ${roundsOf(row)}`).join('; ')}.`,
    '',
    `Against the goal (speed >= libtorrent's, CPU per GiB <= 0.8x libtorrent's): speed ${(speed(t) / speed(l)).toFixed(2)}x libtorrent's, CPU per GiB ${(cpuPerGiB(t) / cpuPerGiB(l)).toFixed(2)}x over the whole transfer, ${(secondHalf(t) / secondHalf(l)).toFixed(2)}x over its second half.`,
  ].join('\n'));
}

await main();
