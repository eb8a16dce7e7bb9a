// Drives a one-way transfer over a Sim: A connects to B, writes `data` honouring backpressure, ends;
// B reads everything, ends too. Returns what B received and both connections for inspection.

import type { Connection } from '../connection.js';
import { ADDRESS_B, type Sim } from './sim.js';

export interface TransferResult {
  received: Uint8Array;
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

export function transfer(sim: Sim, data: Uint8Array, options: { chunk?: number; maxMs?: number } = {}): TransferResult {
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
  sim.b.onConnection = (c) => {
    server = c;
    c.events = {
      readable: drainServer,
      end: () => c.end(),
      close: () => (serverClosed = true),
    };
    drainServer();
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
  client.events = { connect: pushMore, drain: pushMore, close: () => (clientClosed = true) };
  const done = sim.run(() => serverClosed && clientClosed, options.maxMs);
  return { received: concat(received), done, client, server, elapsedMs: sim.clock.now() - start };
}
