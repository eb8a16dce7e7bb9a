// Against real software: a python3-libtorrent seeder with TCP off (uTP only, test/lt_utp_peer.py),
// reached through this package's socket. We dial it and download the whole torrent over uTP with a
// hand-rolled minimum of the peer wire protocol; then it dials us and we exchange handshakes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  deterministicBytes,
  describeWithTools,
  makeLibtorrentTorrent,
  makeTempDir,
  removeTempDir,
  SYSTEM_PYTHON,
  type LibtorrentTorrent,
} from '@typetorrent/testkit';
import { createUtpSocket, type UtpSocket } from './socket.js';
import type { UtpStream } from './stream.js';

const SCRIPT = fileURLToPath(new URL('../../test/lt_utp_peer.py', import.meta.url));
const PIECE_SIZE = 256 * 1024;
const BLOCK = 16 * 1024;
const FILE_SIZE = 8 * PIECE_SIZE + 12345;
const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');

/** Reads a BitTorrent handshake, then length-prefixed messages, from a stream. */
class WireReader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  constructor(stream: UtpStream) {
    stream.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    const stop = (): void => {
      this.ended = true;
      this.wake?.();
    };
    stream.on('end', stop);
    stream.on('close', stop);
    stream.on('error', stop);
  }
  async take(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.ended) throw new Error(`stream ended waiting for ${n} bytes`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }
  async message(): Promise<{ id: number; payload: Buffer }> {
    for (;;) {
      const length = (await this.take(4)).readUInt32BE(0);
      if (length === 0) continue; // keep-alive
      const body = await this.take(length);
      return { id: body[0] as number, payload: body.subarray(1) };
    }
  }
}

function handshake(infoHash: string, peerId: string): Buffer {
  return Buffer.concat([PROTOCOL, Buffer.alloc(8), Buffer.from(infoHash, 'hex'), Buffer.from(peerId, 'latin1')]);
}

function message(id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(payload.length + 1, 0);
  header[4] = id;
  return Buffer.concat([header, payload]);
}

/** A minimal seeder on one stream: handshake, a full bitfield, unchoke, then every request answered. */
async function serve(stream: UtpStream, reader: WireReader, infoHash: string, data: Uint8Array): Promise<number> {
  const theirs = await reader.take(68);
  expect(theirs.subarray(28, 48).toString('hex')).toBe(infoHash);
  const pieces = Math.ceil(data.length / PIECE_SIZE);
  const bitfield = Buffer.alloc(Math.ceil(pieces / 8));
  for (let i = 0; i < pieces; i++) bitfield[i >> 3] = (bitfield[i >> 3] ?? 0) | (0x80 >> (i & 7));
  stream.write(Buffer.concat([handshake(infoHash, '-TT0001-utpinterop03'), message(5, bitfield), message(1)]));
  let served = 0;
  for (;;) {
    const m = await reader.message().catch(() => undefined);
    if (m === undefined) return served; // it hung up once done
    if (m.id !== 6) continue;
    const index = m.payload.readUInt32BE(0);
    const begin = m.payload.readUInt32BE(4);
    const length = m.payload.readUInt32BE(8);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(index, 0);
    header.writeUInt32BE(begin, 4);
    const start = index * PIECE_SIZE + begin;
    stream.write(message(7, Buffer.concat([header, data.subarray(start, start + length)])));
    served += length;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Seeder {
  child: ChildProcessWithoutNullStreams;
  port: number;
  log: string[];
}

async function startSeeder(torrentPath: string, savePath: string): Promise<Seeder> {
  const child = spawn(SYSTEM_PYTHON, ['-u', SCRIPT, '--torrent', torrentPath, '--save', savePath], { stdio: ['pipe', 'pipe', 'pipe'] });
  const log: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        log.push(line);
        const event = JSON.parse(line) as { event: string; port?: number; message?: string };
        if (event.event === 'seeding') resolve(event.port as number);
        if (event.event === 'error') reject(new Error(`libtorrent: ${event.message}`));
      }
    });
    child.once('close', (code) => reject(new Error(`libtorrent exited (${code}): ${stderr}`)));
  });
  return { child, port, log };
}

function startLeecher(torrentPath: string, savePath: string, port: number): { child: ChildProcessWithoutNullStreams; finished: Promise<void> } {
  const child = spawn(SYSTEM_PYTHON, ['-u', SCRIPT, '--torrent', torrentPath, '--save', savePath, '--leech', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const finished = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('"finished"')) resolve();
      if (out.includes('"error"')) reject(new Error(`libtorrent leecher: ${out}`));
    });
    child.once('close', (code) => reject(new Error(`libtorrent leecher exited (${code}): ${out} ${err}`)));
  });
  return { child, finished };
}

describeWithTools(['python3-libtorrent'], 'uTP against a uTP-only libtorrent', () => {
  let dir: string;
  let data: Uint8Array;
  let torrent: LibtorrentTorrent;
  let seeder: Seeder;
  let socket: UtpSocket;
  const extraSockets: UtpSocket[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('typetorrent-utp-');
    data = deterministicBytes(FILE_SIZE, 29);
    await fs.writeFile(path.join(dir, 'payload.bin'), data);
    torrent = await makeLibtorrentTorrent({ sourcePath: path.join(dir, 'payload.bin'), torrentPath: path.join(dir, 'payload.torrent'), pieceSize: PIECE_SIZE });
    seeder = await startSeeder(path.join(dir, 'payload.torrent'), dir);
    socket = createUtpSocket();
    await socket.listen(0, '127.0.0.1');
  }, 90_000);

  afterAll(async () => {
    await socket?.close();
    await Promise.all(extraSockets.map((s) => s.close()));
    if (seeder !== undefined && seeder.child.exitCode === null) {
      seeder.child.stdin.end();
      const killer = setTimeout(() => seeder.child.kill('SIGKILL'), 5000);
      await once(seeder.child, 'close');
      clearTimeout(killer);
    }
    if (dir !== undefined) await removeTempDir(dir);
  });

  test('we dial it over uTP, exchange handshakes and download every piece byte-exact', async () => {
    const stream = socket.connect(seeder.port, '127.0.0.1');
    const reader = new WireReader(stream);
    stream.write(handshake(torrent.infoHash, '-TT0001-utpinterop01'));
    const theirs = await reader.take(68);
    expect(theirs.subarray(0, 20).equals(PROTOCOL)).toBe(true);
    expect(theirs.subarray(28, 48).toString('hex')).toBe(torrent.infoHash);

    stream.write(message(2)); // interested
    for (;;) {
      const m = await reader.message();
      if (m.id === 1) break; // unchoke
    }
    const received = Buffer.alloc(FILE_SIZE);
    const requests: [number, number, number][] = [];
    for (let piece = 0; piece * PIECE_SIZE < FILE_SIZE; piece++) {
      const pieceLength = Math.min(PIECE_SIZE, FILE_SIZE - piece * PIECE_SIZE);
      for (let begin = 0; begin < pieceLength; begin += BLOCK) requests.push([piece, begin, Math.min(BLOCK, pieceLength - begin)]);
    }
    let next = 0;
    let outstanding = 0;
    let got = 0;
    const request = (): void => {
      while (outstanding < 32 && next < requests.length) {
        const [piece, begin, length] = requests[next++] as [number, number, number];
        const payload = Buffer.alloc(12);
        payload.writeUInt32BE(piece, 0);
        payload.writeUInt32BE(begin, 4);
        payload.writeUInt32BE(length, 8);
        stream.write(message(6, payload));
        outstanding++;
      }
    };
    request();
    while (got < requests.length) {
      const m = await reader.message();
      if (m.id !== 7) continue;
      const piece = m.payload.readUInt32BE(0);
      const begin = m.payload.readUInt32BE(4);
      m.payload.subarray(8).copy(received, piece * PIECE_SIZE + begin);
      got++;
      outstanding--;
      request();
    }
    expect(Buffer.compare(received, data)).toBe(0);
    // A clean close: our FIN, libtorrent sees end of stream, disconnects and sends its FIN.
    const ourPort = socket.address().port;
    const closed = once(stream, 'close');
    stream.end();
    await closed;
    expect(stream.errored).toBeNull();
    await waitFor(() => seeder.log.some((line) => line.includes(`127.0.0.1:${ourPort}`) && line.includes('disconnecting')));
  }, 60_000);

  test('a uTP-only libtorrent leecher downloads the whole torrent from us and verifies every piece', async () => {
    const server = createUtpSocket();
    extraSockets.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    const target = path.join(dir, 'leech');
    await fs.mkdir(target);
    const served: Promise<number>[] = [];
    server.on('connection', (stream) => {
      stream.on('error', () => {}); // it may reset when done; what it verified is what counts
      served.push(serve(stream, new WireReader(stream), torrent.infoHash, data));
    });
    const leecher = startLeecher(path.join(dir, 'payload.torrent'), target, port);
    try {
      await leecher.finished; // libtorrent checked every piece's SHA-1
    } finally {
      leecher.child.stdin.end();
      leecher.child.kill('SIGTERM');
    }
    expect(Buffer.compare(await fs.readFile(path.join(target, 'payload.bin')), data)).toBe(0);
    expect(served.length).toBeGreaterThan(0);
  }, 60_000);

  test('it dials us over uTP and its handshake arrives on our listening socket', async () => {
    // A socket of its own: libtorrent will not redial the endpoint the first test just reset.
    const listener = createUtpSocket();
    extraSockets.push(listener);
    await listener.listen(0, '127.0.0.1');
    const accepted = once(listener, 'connection') as Promise<[UtpStream]>;
    seeder.child.stdin.write(`connect ${listener.address().port}\n`);
    const [incoming] = await accepted;
    const reader = new WireReader(incoming);
    const theirs = await reader.take(68);
    expect(theirs.subarray(0, 20).equals(PROTOCOL)).toBe(true);
    expect(theirs.subarray(28, 48).toString('hex')).toBe(torrent.infoHash);
    incoming.write(handshake(torrent.infoHash, '-TT0001-utpinterop02'));
    // A seeder follows the handshake with what it has: a bitfield (5) or have-all (14, BEP 6).
    const first = await reader.message();
    expect([5, 14]).toContain(first.id);
    incoming.destroy();
  }, 30_000);
});
