#!/usr/bin/env node
// Cheap leechers for the load benchmark: plaintext BitTorrent connections written with
// @typetorrent/peer-wire that ask one seeder for blocks and throw them away (no hashing, no disk), in
// a process of their own so they cost the measured seeder nothing but the serving. Each keeps `depth`
// 16 KiB requests in flight while unchoked, walking the torrent from a random piece and starting
// over at the end, so a window of any length keeps them downloading.
// JSON lines on stdout; commands on stdin:
//   status  prints {"event":"status","connected","unchoked","closed"}
//   start   begin a window (byte counters reset)
//   stop    prints {"event":"window","bytes","receiving"} (connections that got a block in the window)
//   EOF     exit
//
//   node load-leecher.mjs BUNDLE '{"port","infoHash","length","pieceLength","count","first","depth"}'
import crypto from 'node:crypto';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { onCommands } from './read-lines.mjs';

const { wire } = await import(pathToFileURL(process.argv[2]).href);
const config = JSON.parse(process.argv[3]);
const emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const BLOCK = 16 * 1024;
const BATCH = 32; // connections opened at once: below the seeders' caps on handshakes in progress
const pieceCount = Math.ceil(config.length / config.pieceLength);
const infoHash = Buffer.from(config.infoHash, 'hex');
const leechers = [];
let measuring = false;

class Leecher {
  bytes = 0;
  connected = false;
  closed = false;
  choked = true;
  outstanding = 0;
  piece = crypto.randomInt(pieceCount);
  begin = 0;
  retries = 5;

  constructor(index) {
    this.peerId = new Uint8Array(20);
    this.peerId.set(Buffer.from(`-LD0001-${String(config.first + index).padStart(12, '0')}`, 'latin1'));
    this.opened = this.connect();
  }

  /** Resolves once connected or failed; a connection lost before the first window is made again (a few times). */
  connect() {
    this.decoder = new wire.WireDecoder({ pieceCount });
    this.choked = true;
    this.outstanding = 0;
    this.closed = false;
    this.connected = false;
    const socket = net.connect({ host: '127.0.0.1', port: config.port });
    this.socket = socket;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      if (!measuring && this.retries-- > 0) setTimeout(() => this.connect(), 500);
    });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.write(wire.encodeHandshake({ reserved: new Uint8Array(8), infoHash, peerId: this.peerId }));
        socket.write(wire.encodeMessage(wire.INTERESTED));
        resolve();
      });
      socket.once('error', () => resolve());
    });
  }

  onData(chunk) {
    this.decoder.push(chunk);
    let message;
    try {
      message = this.decoder.next();
    } catch {
      this.socket.destroy();
      return;
    }
    for (; message !== null; message = this.decoder.next()) {
      if (message.type === 'handshake') this.connected = true;
      else if (message.type === 'unchoke') {
        this.choked = false;
        this.fill();
      } else if (message.type === 'choke') {
        // Without the fast extension a choke drops every request we had in flight.
        this.choked = true;
        this.outstanding = 0;
      } else if (message.type === 'piece') {
        this.bytes += message.block.length;
        this.outstanding--;
      }
    }
    this.fill();
  }

  /** Tops the queue up to `depth` requests, all in one write. */
  fill() {
    if (this.choked || this.closed || this.outstanding >= config.depth) return;
    const count = config.depth - this.outstanding;
    const out = new Uint8Array(count * wire.REQUEST_MESSAGE_LENGTH);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const size = Math.min(config.pieceLength, config.length - this.piece * config.pieceLength);
      const length = Math.min(BLOCK, size - this.begin);
      at += wire.encodeRequestInto(out, at, this.piece, this.begin, length);
      this.begin += length;
      if (this.begin >= size) {
        this.begin = 0;
        this.piece = (this.piece + 1) % pieceCount;
      }
    }
    this.outstanding = config.depth;
    this.socket.write(out);
  }
}

for (let first = 0; first < config.count; first += BATCH) {
  const batch = [];
  for (let index = first; index < Math.min(config.count, first + BATCH); index++) {
    const leecher = new Leecher(index);
    leechers.push(leecher);
    batch.push(leecher.opened);
  }
  await Promise.all(batch);
}

let windowStart = new Map();
onCommands(
  process.stdin,
  (command) => {
    if (command === 'status') {
      const open = leechers.filter((l) => l.connected && !l.closed);
      emit('status', { connected: open.length, unchoked: open.filter((l) => !l.choked).length, closed: leechers.filter((l) => l.closed).length });
    } else if (command === 'start') {
      measuring = true;
      windowStart = new Map(leechers.map((l) => [l, l.bytes]));
    } else if (command === 'stop') {
      const got = leechers.map((l) => l.bytes - (windowStart.get(l) ?? 0));
      emit('window', { bytes: got.reduce((a, b) => a + b, 0), receiving: got.filter((b) => b > 0).length });
    }
  },
  () => process.exit(0),
);
emit('ready', { count: leechers.length });
