#!/usr/bin/env node
// Benchmark (not a test): uTP throughput on 127.0.0.1, in one run, medians over ROUNDS:
//   typetorrent -> typetorrent over uTP (default 1400-byte packets, and larger packets for loopback),
//   the same bytes over a Node TCP connection (the "our TCP" baseline),
//   typetorrent downloading a torrent from a uTP-only libtorrent (raw peer wire over our uTP),
//   libtorrent -> libtorrent over uTP (two uTP-only sessions).
// Reads the built package: (cd packages/utp && npx tsup) && node tools/bench/utp.mjs [--mib 64] [--rounds 3]
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createUtpSocket } from '../../packages/utp/dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const PYTHON = '/usr/bin/python3';
const LT_UTP = path.join(root, 'packages/utp/test/lt_utp_peer.py');
const LT_PEER = path.join(root, 'packages/testkit/python/lt_peer.py');
const { values: opts } = parseArgs({ options: { mib: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } } });
const BYTES = Number(opts.mib) * 1024 * 1024;
const ROUNDS = Number(opts.rounds);
const PIECE = 1024 * 1024;
const BLOCK = 16 * 1024;
const log = (...a) => console.error('[bench utp]', ...a);

function payload(size) {
  const out = Buffer.alloc(size);
  let x = 7;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  return out;
}
const data = payload(BYTES);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function pump(writable, bytes) {
  for (let at = 0; at < bytes.length; at += 256 * 1024) {
    if (!writable.write(bytes.subarray(at, at + 256 * 1024))) await once(writable, 'drain');
  }
  writable.end();
}

async function drain(readable) {
  let n = 0;
  readable.on('data', (c) => (n += c.length));
  await once(readable, 'end');
  return n;
}

async function utpOnce(packetSize) {
  const connection = { loopbackPacketSize: packetSize };
  const server = createUtpSocket({ connection });
  const client = createUtpSocket({ connection });
  const { port } = await server.listen(0, '127.0.0.1');
  await client.listen(0, '127.0.0.1');
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const accepted = once(server, 'connection');
  const stream = client.connect(port, '127.0.0.1');
  void pump(stream, data);
  const clientDone = drain(stream);
  const [incoming] = await accepted;
  incoming.end();
  const got = await drain(incoming);
  const seconds = (performance.now() - start) / 1000;
  await clientDone;
  const cpu = process.cpuUsage(cpu0);
  cpuSecondsPerGiB.push(((cpu.user + cpu.system) / 1e6) * (2 ** 30 / BYTES));
  if (got !== BYTES) throw new Error(`uTP moved ${got} of ${BYTES}`);
  await Promise.all([server.close(), client.close()]);
  return BYTES / seconds / 1e6;
}

async function tcpOnce() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const accepted = once(server, 'connection');
  const socket = net.connect(server.address().port, '127.0.0.1');
  void pump(socket, data);
  const [incoming] = await accepted;
  const got = await drain(incoming);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  cpuSecondsPerGiB.push(((cpu.user + cpu.system) / 1e6) * (2 ** 30 / BYTES));
  socket.destroy();
  server.close();
  if (got !== BYTES) throw new Error(`TCP moved ${got}`);
  return BYTES / seconds / 1e6;
}

// --- libtorrent ---
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-utp-bench-'));
const file = path.join(work, 'payload.bin');
fs.writeFileSync(file, data);
const torrentPath = path.join(work, 'payload.torrent');
const made = spawnSync(PYTHON, [LT_PEER, 'make-torrent', '--source', file, '--out', torrentPath, '--piece-size', String(PIECE)], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`make-torrent failed: ${made.stderr}`);
const infoHash = JSON.parse(made.stdout.trim().split('\n').pop()).infoHash;

function startPython(args) {
  const child = spawn(PYTHON, ['-u', LT_UTP, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const events = [];
  let pending = '';
  const waiters = [];
  child.stdout.setEncoding('utf8').on('data', (d) => {
    pending += d;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
      const e = JSON.parse(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      events.push(e);
      for (const w of waiters.splice(0)) w();
    }
  });
  return {
    child,
    async waitFor(kind) {
      for (;;) {
        const e = events.find((x) => x.event === kind || x.event === 'error');
        if (e) { if (e.event === 'error') throw new Error(e.message); return e; }
        await new Promise((r) => waiters.push(r));
      }
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'close');
    },
  };
}

async function fromLibtorrentOnce(seeder) {
  const socket = createUtpSocket();
  await socket.listen(0, '127.0.0.1');
  const start = performance.now();
  const stream = socket.connect(seeder.port, '127.0.0.1');
  let buffer = Buffer.alloc(0);
  let wake;
  stream.on('data', (c) => { buffer = buffer.length ? Buffer.concat([buffer, c]) : c; wake?.(); });
  const take = async (n) => {
    while (buffer.length < n) await new Promise((r) => (wake = r));
    const out = buffer.subarray(0, n);
    buffer = buffer.subarray(n);
    return out;
  };
  const msg = (id, body = Buffer.alloc(0)) => { const h = Buffer.alloc(5); h.writeUInt32BE(body.length + 1); h[4] = id; return Buffer.concat([h, body]); };
  stream.write(Buffer.concat([Buffer.from('\x13BitTorrent protocol', 'latin1'), Buffer.alloc(8), Buffer.from(infoHash, 'hex'), Buffer.from(`-TT0001-bench${String(Date.now() % 1e7).padStart(7, '0')}`, 'latin1')]));
  await take(68);
  stream.write(msg(2));
  const blocks = [];
  for (let p = 0; p * PIECE < BYTES; p++) for (let b = 0; b < Math.min(PIECE, BYTES - p * PIECE); b += BLOCK) blocks.push([p, b]);
  let next = 0, outstanding = 0, got = 0, unchoked = false;
  const request = () => {
    while (unchoked && outstanding < 64 && next < blocks.length) {
      const [p, b] = blocks[next++];
      const body = Buffer.alloc(12); body.writeUInt32BE(p, 0); body.writeUInt32BE(b, 4); body.writeUInt32BE(BLOCK, 8);
      stream.write(msg(6, body));
      outstanding++;
    }
  };
  const received = Buffer.alloc(BYTES);
  while (got < blocks.length) {
    const len = (await take(4)).readUInt32BE(0);
    if (len === 0) continue;
    const body = await take(len);
    if (body[0] === 1) { unchoked = true; request(); }
    if (body[0] === 7) {
      body.subarray(9).copy(received, body.readUInt32BE(1) * PIECE + body.readUInt32BE(5));
      got++; outstanding--; request();
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (!received.equals(data)) throw new Error('bytes from libtorrent differ');
  stream.destroy();
  await socket.close();
  return BYTES / seconds / 1e6;
}

/** We seed (a minimal peer-wire seeder over our uTP), a uTP-only libtorrent leeches and hash-checks. */
async function toLibtorrentOnce(round) {
  const server = createUtpSocket();
  const { port } = await server.listen(0, '127.0.0.1');
  const msg = (id, body = Buffer.alloc(0)) => { const h = Buffer.alloc(5); h.writeUInt32BE(body.length + 1); h[4] = id; return Buffer.concat([h, body]); };
  server.on('connection', (stream) => {
    stream.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let shaken = false;
    stream.on('data', (c) => {
      buffer = buffer.length ? Buffer.concat([buffer, c]) : c;
      if (!shaken) {
        if (buffer.length < 68) return;
        buffer = buffer.subarray(68);
        shaken = true;
        const pieces = Math.ceil(BYTES / PIECE);
        const bits = Buffer.alloc(Math.ceil(pieces / 8));
        for (let i = 0; i < pieces; i++) bits[i >> 3] |= 0x80 >> (i & 7);
        stream.write(Buffer.concat([Buffer.from('\x13BitTorrent protocol', 'latin1'), Buffer.alloc(8), Buffer.from(infoHash, 'hex'), Buffer.from('-TT0001-benchseeder0', 'latin1'), msg(5, bits), msg(1)]));
      }
      while (buffer.length >= 4) {
        const len = buffer.readUInt32BE(0);
        if (buffer.length < 4 + len) break;
        const body = buffer.subarray(4, 4 + len);
        buffer = buffer.subarray(4 + len);
        if (len > 0 && body[0] === 6) {
          const index = body.readUInt32BE(1), begin = body.readUInt32BE(5), length = body.readUInt32BE(9);
          const head = Buffer.alloc(8); head.writeUInt32BE(index, 0); head.writeUInt32BE(begin, 4);
          stream.write(msg(7, Buffer.concat([head, data.subarray(index * PIECE + begin, index * PIECE + begin + length)])));
        }
      }
    });
  });
  const dir = path.join(work, `lt-from-us-${round}`);
  fs.mkdirSync(dir, { recursive: true });
  const leecher = startPython(['--torrent', torrentPath, '--save', dir, '--leech', String(port)]);
  const { seconds } = await leecher.waitFor('finished');
  await leecher.stop();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return BYTES / seconds / 1e6;
}

async function libtorrentPairOnce(seeder, round) {
  const dir = path.join(work, `lt-leech-${round}`);
  fs.mkdirSync(dir, { recursive: true });
  const leecher = startPython(['--torrent', torrentPath, '--save', dir, '--leech', String(seeder.port)]);
  const { seconds } = await leecher.waitFor('finished');
  await leecher.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return BYTES / seconds / 1e6;
}

const rows = [];
/** CPU seconds per GiB of this process (sender and receiver both live here), for in-process rows. */
let cpuSecondsPerGiB = [];
async function row(name, fn) {
  const runs = [];
  cpuSecondsPerGiB = [];
  for (let i = 0; i < ROUNDS; i++) {
    try { runs.push(await fn(i)); } catch (e) { log(name, 'failed:', e.message); }
  }
  rows.push({ name, runs, cpu: cpuSecondsPerGiB.length ? median(cpuSecondsPerGiB) : undefined });
  log(name, runs.map((r) => r.toFixed(1)).join(' '));
}

await row('typetorrent -> typetorrent, uTP, 1400-byte packets (default)', () => utpOnce(1400));
await row('typetorrent -> typetorrent, uTP, 16 KiB packets (loopbackPacketSize)', () => utpOnce(16 * 1024));
await row('typetorrent -> typetorrent, uTP, 65,000-byte packets (loopbackPacketSize; the engine between TypeTorrent peers on loopback)', () => utpOnce(65_000));
await row('Node TCP on loopback (same bytes)', () => tcpOnce());
const seeder = startPython(['--torrent', torrentPath, '--save', work]);
const { port } = await seeder.waitFor('seeding');
seeder.port = port;
await row('typetorrent <- libtorrent (uTP-only seeder)', () => fromLibtorrentOnce(seeder));
await row('libtorrent <- typetorrent (uTP-only leecher, hash-checks)', (i) => toLibtorrentOnce(i));
await row('libtorrent <- libtorrent, uTP only', (i) => libtorrentPairOnce(seeder, i));
await seeder.stop();
fs.rmSync(work, { recursive: true, force: true });

const tcp = median(rows.find((r) => r.name.startsWith('Node TCP')).runs);
console.log(`\n### uTP on 127.0.0.1: ${opts.mib} MiB, median of ${ROUNDS}\n`);
console.log('| transfer | MB/s (median) | runs | vs TCP | CPU s/GiB, both ends |');
console.log('|---|---:|---|---:|---:|');
for (const r of rows) {
  const m = r.runs.length ? median(r.runs) : NaN;
  const cpu = r.cpu === undefined ? '' : r.cpu.toFixed(2);
  console.log(`| ${r.name} | ${m.toFixed(1)} | ${r.runs.map((x) => x.toFixed(1)).join(', ')} | ${(m / tcp).toFixed(2)}x | ${cpu} |`);
}
const rate = (prefix) => {
  const r = rows.find((x) => x.name.startsWith(prefix));
  return r === undefined || r.runs.length === 0 ? NaN : median(r.runs);
};
const ours = rate('typetorrent -> typetorrent, uTP, 65,000');
const theirs = rate('libtorrent <- libtorrent');
console.log(`\nIssue 15 goals, sockets alone (session to session: tools/bench/run.mjs uTP table):`);
console.log(`- typetorrent -> typetorrent over uTP (65,000-byte packets) against libtorrent <- libtorrent over uTP: ${(ours / theirs).toFixed(2)}x (goal >= 10x)`);
console.log(`- the same against Node TCP moving the same bytes: ${(ours / tcp).toFixed(2)}x (goal >= 0.5x)`);
