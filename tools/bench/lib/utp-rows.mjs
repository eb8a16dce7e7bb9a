// The uTP rows, against issue 15's goals (typetorrent's uTP at least 10x libtorrent's on loopback and
// at least 0.5x our TCP), every row run once per round in an order rotated from round to round:
//   typetorrent and libtorrent downloading from a python3-libtorrent seeder with TCP off
//   (packages/utp/test/lt_utp_peer.py), so every byte crosses uTP; libtorrent<->libtorrent is the
//   yardstick (its uTP ran at about 5 to 60 MB/s on this loopback, varying between runs);
//   typetorrent downloading from `typetorrent seed` over uTP (dialled first, connected within a
//   millisecond; two TypeTorrent peers on loopback use 65,000-byte packets) and over TCP (--no-utp),
//   both in plaintext so that the rows compare transports, not RC4;
//   a uTP-only libtorrent leecher downloading from `typetorrent seed`.
// No tracker: typetorrent is given the seeder with --peer, a libtorrent leecher dials it itself.
// Times are whole-process wall times (a CLI's start-up counts, as in the other tables).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { freePort, SYSTEM_PYTHON } from '@typetorrent/testkit';
import { measure, median } from './measure.mjs';
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
  typetorrent: (torrentPath, outDir, seederPort, port, extra = []) =>
    measure(process.execPath, [CLI, 'download', torrentPath, '-o', outDir, '--no-seed', '--no-dht', '--no-lsd', '--port', String(port), '--peer', `127.0.0.1:${seederPort}`, '--json', ...extra], { timeoutMs: TIMEOUT_MS }),
  libtorrent: (torrentPath, outDir, seederPort) =>
    measure(SYSTEM_PYTHON, ['-u', LT_UTP_PEER, '--torrent', torrentPath, '--save', outDir, '--leech', String(seederPort)], { timeoutMs: TIMEOUT_MS }),
};

/**
 * Markdown for the uTP table and the goal ratios: `data` is a single-file dataset (makeSingleFile),
 * `clients` the wanted client names (rows of clients left out are skipped), `settle` the pause
 * between runs.
 */
export async function utpComparison({ data, label, workDir, rounds, clients, settle, log }) {
  const { torrent } = await createTorrentFromPath(data.sourcePath, { pieceLength: data.pieceLength });
  const torrentPath = path.join(workDir, 'utp-bench.torrent');
  fs.writeFileSync(torrentPath, torrent);
  const expected = await fingerprint(data.sourcePath);
  const payload = fs.statSync(data.sourcePath).size;
  const haveCli = fs.existsSync(CLI);
  const plaintext = ['--encryption', 'disable'];
  const specs = [
    { key: 'tt<-lt', client: 'typetorrent', needs: ['typetorrent', 'libtorrent'], seeder: 'lt', run: (out, port, free) => runners.typetorrent(torrentPath, out, port, free), note: 'from a uTP-only libtorrent seeder (1400-byte packets)' },
    { key: 'lt<-lt', client: 'libtorrent', needs: ['libtorrent'], seeder: 'lt', run: (out, port) => runners.libtorrent(torrentPath, out, port), note: 'libtorrent <-> libtorrent, uTP only' },
    { key: 'tt<-tt utp', client: 'typetorrent from typetorrent seed, uTP', needs: ['typetorrent'], seeder: 'tt', run: (out, port, free) => runners.typetorrent(torrentPath, out, port, free, plaintext), note: 'uTP (dialled first), 65,000-byte packets, plaintext' },
    { key: 'tt<-tt tcp', client: 'typetorrent from typetorrent seed, TCP', needs: ['typetorrent'], seeder: 'tt', run: (out, port, free) => runners.typetorrent(torrentPath, out, port, free, [...plaintext, '--no-utp']), note: 'our TCP (--no-utp), plaintext' },
    { key: 'lt<-tt', client: 'libtorrent from typetorrent seed, uTP', needs: ['typetorrent', 'libtorrent'], seeder: 'tt', run: (out, port) => runners.libtorrent(torrentPath, out, port), note: 'uTP-only libtorrent leecher (1400-byte packets)' },
  ].filter((spec) => spec.needs.every((name) => clients.includes(name)));
  const rows = new Map(specs.map((spec) => [spec.key, { client: spec.client, runs: [], note: spec.note }]));
  for (const spec of specs) {
    if (spec.needs.includes('typetorrent') && !haveCli) rows.get(spec.key).note = 'apps/cli/dist/main.js missing: run `npm run build` first';
  }
  const ltSeeder = specs.some((spec) => spec.seeder === 'lt') ? await startUtpSeeder(torrentPath, data.seedDir) : undefined;
  let ourSeeder;
  try {
    ourSeeder = haveCli && specs.some((spec) => spec.seeder === 'tt') ? await startOurSeeder(torrentPath, data.sourcePath) : undefined;
    for (let round = 1; round <= rounds; round++) {
      for (const spec of specs.map((_, i) => specs[(i + round - 1) % specs.length])) {
        const row = rows.get(spec.key);
        const seeder = spec.seeder === 'lt' ? ltSeeder : ourSeeder;
        if (row.note.startsWith('apps/cli') || row.note.startsWith('failed') || seeder === undefined) continue;
        const outDir = fs.mkdtempSync(path.join(workDir, 'utp-out-'));
        await settle();
        log(`uTP ${spec.key}: round ${round}/${rounds} ...`);
        const r = await spec.run(outDir, seeder.port, await freePort());
        const check = r.code === 0 ? await matches(expected, path.join(outDir, path.basename(data.sourcePath))) : { ok: false, why: `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}: ${r.tail.slice(-300)}` };
        if (!check.ok) row.note = `failed: ${check.why}`;
        log(`uTP ${spec.key}: ${check.ok ? 'ok' : 'FAILED ' + check.why} ${r.wall}s cpu ${r.cpu.toFixed(2)}s`);
        row.runs.push({ ok: check.ok, wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB });
        fs.rmSync(outDir, { recursive: true, force: true });
      }
    }
  } finally {
    await ourSeeder?.stop();
    await ltSeeder?.stop();
  }
  const table = downloadTable(`uTP on 127.0.0.1: ${label}, ${(payload / 2 ** 20).toFixed(0)} MiB (rows interleaved, medians of ${rounds})`, payload, [...rows.values()]);
  return [table, '', ...goalLines(rows, payload)].join('\n');
}

/** Issue 15's goals as ratios of the medians above. */
function goalLines(rows, payload) {
  const rate = (key) => {
    const good = rows.get(key)?.runs.filter((r) => r.ok) ?? [];
    return good.length === 0 ? NaN : payload / 1e6 / median(good.map((r) => r.wall));
  };
  const line = (what, x, base, goal) => {
    const r = x / base;
    const verdict = Number.isFinite(r) ? (r >= goal ? 'met' : 'NOT met') : 'not measured';
    return `- ${what}: ${Number.isFinite(r) ? r.toFixed(2) : '–'}x (goal >= ${goal}x: ${verdict})`;
  };
  return [
    'Goals of issue 15 (ratios of the medians above):',
    line('typetorrent <-> typetorrent over uTP against libtorrent <-> libtorrent over uTP', rate('tt<-tt utp'), rate('lt<-lt'), 10),
    line('typetorrent <-> typetorrent over uTP against the same over our TCP', rate('tt<-tt utp'), rate('tt<-tt tcp'), 0.5),
    `- beside them: typetorrent from the uTP-only libtorrent seeder ${(rate('tt<-lt') / rate('lt<-lt')).toFixed(2)}x libtorrent's own leecher; libtorrent from typetorrent seed ${(rate('lt<-tt') / rate('lt<-lt')).toFixed(2)}x libtorrent from libtorrent.`,
  ];
}
