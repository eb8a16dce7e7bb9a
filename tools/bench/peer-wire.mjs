// Benchmark (not a test): @typetorrent/peer-wire against WebTorrent's bittorrent-protocol 5 on the
// same bytes, in one run:
//   decode: 300k `have`, 300k `request`, and 16 KiB `piece` messages fed in 64 KiB chunks (as a
//           socket hands them over, so some blocks straddle chunks);
//   encode: the same messages produced for a socket.
// Reads the built package, so build first:
//   (cd packages/peer-wire && npm run build) && node tools/bench/peer-wire.mjs
// Prints a markdown table of medians over ROUNDS rounds (after one warm-up round). Absolute figures
// follow machine load; the ratio column compares the two back to back on the same machine.
import Protocol from 'bittorrent-protocol';
import * as pw from '../../packages/peer-wire/dist/index.js';

const ROUNDS = 7;
const SMALL_COUNT = 300_000;
const PIECE_COUNT = 2048; // 32 MiB of blocks per round
const BLOCK = 16 * 1024;
const CHUNK = 64 * 1024;

const handshake = pw.encodeHandshake({ reserved: new Uint8Array(8), infoHash: new Uint8Array(20).fill(1), peerId: new Uint8Array(20).fill(2) });

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The stream cut into 64 KiB chunks, each its own ArrayBuffer like socket reads. */
function chunked(stream) {
  const chunks = [];
  for (let at = 0; at < stream.length; at += CHUNK) chunks.push(stream.slice(at, at + CHUNK));
  return chunks;
}

function build(kind) {
  const parts = [];
  if (kind === 'have') for (let i = 0; i < SMALL_COUNT; i++) parts.push(pw.encodeMessage({ type: 'have', index: i }));
  if (kind === 'request') for (let i = 0; i < SMALL_COUNT; i++) parts.push(pw.encodeMessage({ type: 'request', index: i >> 4, begin: (i & 15) * BLOCK, length: BLOCK }));
  if (kind === 'piece') {
    const block = new Uint8Array(BLOCK).map((_, i) => (i * 31) & 0xff);
    for (let i = 0; i < PIECE_COUNT; i++) parts.push(pw.encodeMessage({ type: 'piece', index: i >> 4, begin: (i & 15) * BLOCK, block }));
  }
  return { chunks: chunked(concat(parts)), count: kind === 'piece' ? PIECE_COUNT : SMALL_COUNT, bytes: parts.reduce((n, p) => n + p.length, 0) };
}

const inputs = { have: build('have'), request: build('request'), piece: build('piece') };

const tick = () => new Promise((resolve) => setImmediate(resolve));

// --- decoders -------------------------------------------------------------------------------

function decodeOurs(input) {
  const decoder = new pw.WireDecoder();
  decoder.push(handshake);
  decoder.next();
  let count = 0;
  let checksum = 0;
  for (const chunk of input.chunks) {
    decoder.push(chunk);
    for (let m = decoder.next(); m !== null; m = decoder.next()) {
      count++;
      if (m.type === 'piece') checksum += m.block[100];
    }
  }
  if (count !== input.count) throw new Error(`ours decoded ${count} of ${input.count}`);
  return checksum;
}

/** bittorrent-protocol through its public Duplex API: write() the bytes, count the events. */
async function decodeTheirs(input, direct) {
  const wire = new Protocol();
  wire.resume(); // discard what it writes back
  let count = 0;
  let checksum = 0;
  const seen = () => count++;
  wire.on('have', seen);
  wire.on('request', seen); // emitted only to an unchoked peer: see unchoke() below
  wire.on('piece', (_i, _o, block) => {
    count++;
    checksum += block[100];
  });
  const feed = direct ? (c) => wire._write(c, () => {}) : (c) => wire.write(c);
  feed(handshake);
  wire.unchoke();
  for (const chunk of input.chunks) feed(chunk);
  while (count < input.count) await tick();
  wire.destroy();
  return checksum;
}

// --- encoders -------------------------------------------------------------------------------

/** Ours: encode into 64 KiB output buffers (a fresh one whenever a full one goes to the socket). */
function encodeOurs(kind) {
  let out = new Uint8Array(CHUNK);
  let at = 0;
  let total = 0;
  if (kind === 'piece') {
    // writev style: a 13-byte header from a slab, then the block itself, never copied.
    const block = new Uint8Array(BLOCK);
    const iov = [];
    for (let i = 0; i < PIECE_COUNT; i++) {
      if (at + pw.PIECE_HEADER_LENGTH > out.length) {
        out = new Uint8Array(CHUNK);
        at = 0;
      }
      const n = pw.encodePieceHeaderInto(out, at, i >> 4, (i & 15) * BLOCK, BLOCK);
      iov.push(out.subarray(at, at + n), block);
      at += n;
      total += n + BLOCK;
    }
    return total;
  }
  const size = kind === 'have' ? pw.HAVE_MESSAGE_LENGTH : pw.REQUEST_MESSAGE_LENGTH;
  for (let i = 0; i < SMALL_COUNT; i++) {
    if (at + size > out.length) {
      total += at;
      out = new Uint8Array(CHUNK);
      at = 0;
    }
    at += kind === 'have' ? pw.encodeHaveInto(out, at, i) : pw.encodeRequestInto(out, at, i >> 4, (i & 15) * BLOCK, BLOCK);
  }
  return total + at;
}

/** Theirs: the public methods; timed until every byte has come out of the readable side. */
async function encodeTheirs(kind) {
  const wire = new Protocol();
  let total = 0;
  wire.on('data', (d) => (total += d.length));
  wire.write(handshake);
  wire.write(pw.encodeMessage({ type: 'unchoke' })); // request() refuses while the peer chokes us
  while (wire.peerChoking) await tick();
  total = 0;
  let want = 0;
  if (kind === 'piece') {
    const block = new Uint8Array(BLOCK);
    for (let i = 0; i < PIECE_COUNT; i++) wire.piece(i >> 4, (i & 15) * BLOCK, block);
    want = PIECE_COUNT * (13 + BLOCK);
  } else {
    for (let i = 0; i < SMALL_COUNT; i++) {
      if (kind === 'have') wire.have(i);
      else wire.request(i >> 4, (i & 15) * BLOCK, BLOCK, () => {});
    }
    want = SMALL_COUNT * (kind === 'have' ? 9 : 17);
  }
  while (total < want) await tick();
  wire.destroy();
  return total;
}

// --- measurement ----------------------------------------------------------------------------

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const cases = [
  { name: 'decode `have`', unit: 'msg/s', amount: SMALL_COUNT, ours: () => decodeOurs(inputs.have), theirs: () => decodeTheirs(inputs.have, false), theirsDirect: () => decodeTheirs(inputs.have, true) },
  { name: 'decode `request`', unit: 'msg/s', amount: SMALL_COUNT, ours: () => decodeOurs(inputs.request), theirs: () => decodeTheirs(inputs.request, false), theirsDirect: () => decodeTheirs(inputs.request, true) },
  { name: 'decode `piece` (16 KiB blocks, 64 KiB chunks)', unit: 'GB/s', amount: inputs.piece.bytes, ours: () => decodeOurs(inputs.piece), theirs: () => decodeTheirs(inputs.piece, false), theirsDirect: () => decodeTheirs(inputs.piece, true) },
  { name: 'encode `have`', unit: 'msg/s', amount: SMALL_COUNT, ours: () => encodeOurs('have'), theirs: () => encodeTheirs('have') },
  { name: 'encode `request`', unit: 'msg/s', amount: SMALL_COUNT, ours: () => encodeOurs('request'), theirs: () => encodeTheirs('request') },
  { name: 'encode `piece` (header + block, 16 KiB)', unit: 'GB/s', amount: PIECE_COUNT * (13 + BLOCK), ours: () => encodeOurs('piece'), theirs: () => encodeTheirs('piece') },
];

function format(rate, unit) {
  if (unit === 'GB/s') return `${(rate / 1e9).toFixed(2)} GB/s`;
  return `${(rate / 1e6).toFixed(2)} M msg/s`;
}

console.log(`peer-wire benchmark: node ${process.version}, ${ROUNDS} rounds (median), after a warm-up round\n`);
console.log('| operation | @typetorrent/peer-wire | bittorrent-protocol 5.0.9 | ratio | bittorrent-protocol, `_write` direct |');
console.log('|---|---|---|---|---|');
for (const c of cases) {
  const impls = ['ours', 'theirs', ...(c.theirsDirect ? ['theirsDirect'] : [])];
  const times = Object.fromEntries(impls.map((k) => [k, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    // Alternate the order so neither side always runs on a warmer heap.
    const order = round % 2 === 0 ? impls : [...impls].reverse();
    for (const k of order) {
      const seconds = await time(c[k]);
      if (round > 0) times[k].push(seconds);
      globalThis.gc?.();
    }
  }
  const rate = (k) => c.amount / median(times[k]);
  const direct = c.theirsDirect ? format(rate('theirsDirect'), c.unit) : 'n/a';
  console.log(`| ${c.name} | ${format(rate('ours'), c.unit)} | ${format(rate('theirs'), c.unit)} | ${(rate('ours') / rate('theirs')).toFixed(2)}x | ${direct} |`);
}
