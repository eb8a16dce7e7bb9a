// Micro-benchmark (not a test): @typetorrent/bencode against npm `bencode` 4.0.1, decode and encode of
//  (a) a .torrent-like dict with a 200 KB pieces string and 1000 files, and
//  (b) many small tracker-response-like dicts.
// Reads the built package (dist/), so build first:
//   (cd packages/bencode && npm run build) && node tools/bench/bencode.mjs
// Prints a markdown table of medians over several rounds. Figures vary with machine load: compare
// the ratio column, measured in alternating rounds, rather than absolute rates; on a busy machine add
// `--cpu` to time by process CPU time.
import npm from 'bencode';
import * as ours from '@typetorrent/bencode';

const ROUNDS = 7;
/** Target wall time of one round per implementation and operation, in milliseconds. */
const ROUND_MS = 250;

const text = (s) => new TextEncoder().encode(s);

/** Deterministic pseudo-random bytes (xorshift32), so every run measures the same input. */
function bytes(n, seed) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function torrentLike() {
  const files = [];
  for (let i = 0; i < 1000; i++) {
    files.push({ length: 1_000_000 + i * 7919, path: [text(`dir${i % 17}`), text(`file-${i}.bin`)] });
  }
  return {
    announce: text('http://tracker.example.org:6969/announce'),
    'announce-list': [[text('http://tracker.example.org:6969/announce')], [text('udp://tracker.example.net:1337')]],
    comment: text('benchmark torrent'),
    'created by': text('typetorrent bench'),
    'creation date': 1_700_000_000,
    info: { files, name: text('bench'), 'piece length': 262_144, pieces: bytes(200_000, 1) },
  };
}

function trackerResponses(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push({
      complete: 100 + i, incomplete: i % 50, interval: 1800, 'min interval': 900,
      peers: bytes(6 * (10 + (i % 40)), i + 7), 'tracker id': text(`t${i}`),
    });
  }
  return out;
}

// `--cpu` times by process CPU time instead of wall time: steadier on a shared, loaded machine.
const useCpu = process.argv.includes('--cpu');
const clock = useCpu
  ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  : () => performance.now();

let sink = 0;
function consume(result) {
  sink += result instanceof Uint8Array ? result.length : typeof result === 'object' ? 1 : 0;
}

/** How many ops of `op` fit in one round, after a warm-up of the same length. */
function calibrate(op, inputs) {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ROUND_MS) consume(op(inputs[n++ % inputs.length]));
  return Math.max(1, n);
}

/** One timed round; returns ops/s. */
function round(op, inputs, count) {
  const start = clock();
  for (let i = 0; i < count; i++) consume(op(inputs[i % inputs.length]));
  return count / ((clock() - start) / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Rounds alternate between the two implementations, so a change in machine load hits both alike;
 * the ratio is the median of the per-round ratios.
 */
function compare(oursOp, npmOp, inputs) {
  const countA = calibrate(oursOp, inputs);
  const countB = calibrate(npmOp, inputs);
  const a = [];
  const b = [];
  const ratios = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(round(oursOp, inputs, countA));
    b.push(round(npmOp, inputs, countB));
    ratios.push(a[r] / b[r]);
  }
  return { ours: median(a), npm: median(b), ratio: median(ratios) };
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

function row(caseName, opName, oursOp, npmOp, inputs, bytesPerOp) {
  const { ours: a, npm: b, ratio } = compare(oursOp, npmOp, inputs);
  const mb = (rate) => (rate * bytesPerOp) / 1e6;
  return `| ${caseName} | ${opName} | ${fmt(a)} | ${fmt(mb(a))} | ${fmt(b)} | ${fmt(mb(b))} | ${ratio.toFixed(2)}x |`;
}

const torrent = torrentLike();
const torrentBytes = ours.encode(torrent);
const npmTorrentBytes = npm.encode(torrent);
if (npmTorrentBytes.length !== torrentBytes.length || !torrentBytes.every((v, i) => v === npmTorrentBytes[i])) {
  throw new Error('the two encoders disagree on the torrent');
}
const responses = trackerResponses(1000);
const responseBytes = responses.map((r) => ours.encode(r));
const meanResponse = responseBytes.reduce((s, b) => s + b.length, 0) / responseBytes.length;

console.log(`node ${process.version}, ${ROUNDS} alternating rounds of ~${ROUND_MS} ms each, medians; ${useCpu ? 'process CPU' : 'wall'} time`);
console.log(`(a) torrent-like: ${torrentBytes.length} bytes; (b) tracker responses: 1000 distinct, mean ${meanResponse.toFixed(0)} bytes\n`);
console.log('| case | op | typetorrent ops/s | typetorrent MB/s | npm bencode ops/s | npm bencode MB/s | ratio |');
console.log('|---|---|---:|---:|---:|---:|---:|');
console.log(row('(a) torrent', 'decode', (b) => ours.decode(b), (b) => npm.decode(b), [torrentBytes], torrentBytes.length));
console.log(row('(a) torrent', 'encode', (v) => ours.encode(v), (v) => npm.encode(v), [torrent], torrentBytes.length));
console.log(row('(b) tracker', 'decode', (b) => ours.decode(b), (b) => npm.decode(b), responseBytes, meanResponse));
console.log(row('(b) tracker', 'encode', (v) => ours.encode(v), (v) => npm.encode(v), responses, meanResponse));
if (sink === -1) console.log('unreachable'); // keeps every result observable, so nothing is optimised away
