// The uTP rows: typetorrent and libtorrent each downloading from a python3-libtorrent seeder with TCP
// off (packages/utp/test/lt_utp_peer.py), so every byte crosses uTP. No tracker: typetorrent is given
// the seeder with --peer, the libtorrent leecher dials it itself. libtorrent<->libtorrent over uTP is
// the yardstick (its uTP ran at about 5 to 60 MB/s on this loopback, varying between runs). A last
// row has typetorrent download from `typetorrent seed`: both have TCP too, but uTP is dialled first
// and connects within a millisecond on loopback (TCP would only join after 1 s), two TypeTorrent
// peers on loopback use 16 KiB packets, and the connection is RC4-encrypted (MSE under the default
// `prefer`), which costs as much again as uTP itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { freePort, SYSTEM_PYTHON } from '@typetorrent/testkit';
import { measure } from './measure.mjs';
import { downloadTable } from './report.mjs';
import { fingerprint, matches } from './verify.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(root, 'apps/cli/dist/main.js');
const LT_UTP_PEER = path.join(root, 'packages/utp/test/lt_utp_peer.py');
const TIMEOUT_MS = 30 * 60_000;

/** Starts the uTP-only seeder; resolves with its port and a stop function once it has checked the data. */
async function startUtpSeeder(torrentPath, savePath) {
  const child = spawn(SYSTEM_PYTHON, ['-u', LT_UTP_PEER, '--torrent', torrentPath, '--save', savePath], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const port = await new Promise((resolve, reject) => {
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      pending += d;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const event = JSON.parse(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        if (event.event === 'seeding') resolve(event.port);
        if (event.event === 'error') reject(new Error(`uTP seeder: ${event.message}`));
      }
    });
    child.once('close', (code) => reject(new Error(`uTP seeder exited (${code}): ${stderr.slice(-300)}`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.stdin.end();
      await closed;
    },
  };
}

/** `typetorrent seed` of the torrent; resolves with its port and a stop function once it seeds. */
async function startOurSeeder(torrentPath, dataPath) {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'seed', torrentPath, dataPath, '--port', String(port), '--no-dht', '--no-lsd', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      output += d;
      if (output.includes('"seeding"')) resolve();
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.once('close', (code) => reject(new Error(`typetorrent seed exited (${code}): ${output.slice(-300)}`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      await closed;
    },
  };
}

const runners = {
  // uTP is on by default in the CLI and tried first; the seeder refuses TCP anyway.
  typetorrent: (torrentPath, outDir, seederPort, port) =>
    measure(process.execPath, [CLI, 'download', torrentPath, '-o', outDir, '--no-seed', '--no-dht', '--no-lsd', '--port', String(port), '--peer', `127.0.0.1:${seederPort}`, '--json'], { timeoutMs: TIMEOUT_MS }),
  libtorrent: (torrentPath, outDir, seederPort) =>
    measure(SYSTEM_PYTHON, ['-u', LT_UTP_PEER, '--torrent', torrentPath, '--save', outDir, '--leech', String(seederPort)], { timeoutMs: TIMEOUT_MS }),
};

/**
 * Markdown for the uTP table: `data` is a single-file dataset (makeSingleFile), `clients` the wanted
 * client names (those without a uTP runner are left out), `settle` the pause between runs.
 */
export async function utpComparison({ data, label, workDir, rounds, clients, settle, log }) {
  const { torrent } = await createTorrentFromPath(data.sourcePath, { pieceLength: data.pieceLength });
  const torrentPath = path.join(workDir, 'utp-bench.torrent');
  fs.writeFileSync(torrentPath, torrent);
  const expected = await fingerprint(data.sourcePath);
  const payload = fs.statSync(data.sourcePath).size;
  const names = clients.filter((name) => name in runners);
  const rows = new Map(names.map((name) => [name, { client: name, runs: [], note: '' }]));
  const ours = rows.get('typetorrent');
  if (ours !== undefined && !fs.existsSync(CLI)) ours.note = 'apps/cli/dist/main.js missing: run `npm run build` first';
  const seeder = await startUtpSeeder(torrentPath, data.seedDir);
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const name of names.map((_, i) => names[(i + round - 1) % names.length])) {
        const row = rows.get(name);
        if (row.note !== '') continue;
        const outDir = fs.mkdtempSync(path.join(workDir, `utp-out-${name}-`));
        await settle();
        log(`uTP ${name}: round ${round}/${rounds} ...`);
        const r = await runners[name](torrentPath, outDir, seeder.port, await freePort());
        const check = r.code === 0 ? await matches(expected, path.join(outDir, path.basename(data.sourcePath))) : { ok: false, why: `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}: ${r.tail.slice(-300)}` };
        if (!check.ok) row.note = `failed: ${check.why}`;
        log(`uTP ${name}: ${check.ok ? 'ok' : 'FAILED ' + check.why} ${r.wall}s cpu ${r.cpu.toFixed(2)}s`);
        row.runs.push({ ok: check.ok, wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB });
        fs.rmSync(outDir, { recursive: true, force: true });
      }
    }
  } finally {
    await seeder.stop();
  }
  if (names.includes('typetorrent') && rows.get('typetorrent').note === '') {
    const row = { client: 'typetorrent from typetorrent seed', runs: [], note: 'uTP dialled first (TCP only 1 s later), 16 KiB packets, RC4 both ways (MSE: our responder picks RC4 when offered)' };
    rows.set('ours', row);
    const ours = await startOurSeeder(torrentPath, data.sourcePath);
    try {
      for (let round = 1; round <= rounds; round++) {
        const outDir = fs.mkdtempSync(path.join(workDir, 'utp-out-ours-'));
        await settle();
        log(`uTP typetorrent from typetorrent: round ${round}/${rounds} ...`);
        const r = await runners.typetorrent(torrentPath, outDir, ours.port, await freePort());
        const check = r.code === 0 ? await matches(expected, path.join(outDir, path.basename(data.sourcePath))) : { ok: false, why: `exit ${r.code}: ${r.tail.slice(-300)}` };
        if (!check.ok) row.note = `failed: ${check.why}`;
        log(`uTP typetorrent from typetorrent: ${check.ok ? 'ok' : 'FAILED ' + check.why} ${r.wall}s cpu ${r.cpu.toFixed(2)}s`);
        row.runs.push({ ok: check.ok, wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB });
        fs.rmSync(outDir, { recursive: true, force: true });
      }
    } finally {
      await ours.stop();
    }
  }
  return downloadTable(`uTP: download from a libtorrent seeder with TCP off (uTP only, 1400-byte packets; the last row from typetorrent seed): ${label}, ${(payload / 2 ** 20).toFixed(0)} MiB`, payload, [...rows.values()]);
}
