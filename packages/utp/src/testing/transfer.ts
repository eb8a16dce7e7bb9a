// Drives a one-way transfer over a Sim: A connects to B, writes `data` honouring backpressure, ends;
// B reads everything, ends too. Returns what B received and both connections for inspection.

import type { Connection } from '../connection.js';
import { ADDRESS_B, type Sim } from './sim.js';

export interface TransferResult {
  received: Uint8Array;
  /** What A received from B (the `reply` option). */
  replied: Uint8Array;
  done: boolean;
  client: Connection;
  server: Connection | undefined;
  /** Simulated ms from connect to both sides closed. */
  elapsedMs: number;
}

/** Deterministic test data: a byte pattern that makes misplaced or repeated bytes visible. */
export function testData(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function transfer(sim: Sim, data: Uint8Array, options: { chunk?: number; maxMs?: number; reply?: Uint8Array } = {}): TransferResult {
  const chunkSize = options.chunk ?? 16 * 1024;
  const start = sim.clock.now();
  const received: Uint8Array[] = [];
  let server: Connection | undefined;
  let serverClosed = false;
  let clientClosed = false;
  sim.b.accepting = true;
  const drainServer = (): void => {
    if (server === undefined) return;
    for (const c of server.read()) received.push(c.slice());
  };
  const reply = options.reply;
  let replyOffset = 0;
  const replied: Uint8Array[] = [];
  // With a reply, B writes it at once and ends after it (a half-close while A still sends);
  // without one, B ends when A did.
  const pushReply = (c: Connection): void => {
    if (reply === undefined) return;
    while (replyOffset < reply.length) {
      const piece = reply.subarray(replyOffset, replyOffset + chunkSize);
      replyOffset += piece.length;
      if (!c.write(piece)) return;
    }
    c.end();
  };
  sim.b.onConnection = (c) => {
    server = c;
    c.events = {
      readable: drainServer,
      end: () => (reply === undefined ? c.end() : undefined),
      drain: () => pushReply(c),
      close: () => (serverClosed = true),
    };
    drainServer();
    pushReply(c);
  };
  let offset = 0;
  const client = sim.a.connect(ADDRESS_B);
  const pushMore = (): void => {
    while (offset < data.length) {
      const piece = data.subarray(offset, offset + chunkSize);
      offset += piece.length;
      if (!client.write(piece)) return;
    }
    client.end();
  };
  const drainClient = (): void => {
    for (const c of client.read()) replied.push(c.slice());
  };
  client.events = { connect: pushMore, drain: pushMore, readable: drainClient, end: drainClient, close: () => (clientClosed = true) };
  const done = sim.run(() => serverClosed && clientClosed, options.maxMs);
  return { received: concat(received), replied: concat(replied), done, client, server, elapsedMs: sim.clock.now() - start };
}
