import { afterEach, describe, expect, it } from '@jest/globals';
import type net from 'node:net';
import { socketPair } from '../testing/socket-pair.js';
import { onChunks } from './socket-input.js';

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Collects copies of the chunks `socket` delivers until `count` bytes came. */
async function collect(socket: net.Socket, count: number, seen: Uint8Array[] = []): Promise<Uint8Array> {
  const out = new Uint8Array(count);
  let have = 0;
  return await new Promise<Uint8Array>((resolve) => {
    const stop = onChunks(socket, (chunk) => {
      seen.push(chunk);
      out.set(chunk, have);
      have += chunk.length;
      if (have >= count) {
        stop();
        resolve(out);
      }
    });
    socket.resume();
  });
}

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('shared-buffer sockets', () => {
  it('deliver every byte in order, each read in the same reused memory', async () => {
    const [client, server] = await socketPair({ sharedRead: true });
    sockets.push(client, server);
    const data = pattern(3 * 1024 * 1024 + 17, 5);
    const seen: Uint8Array[] = [];
    const received = collect(client, data.length, seen);
    server.write(data);
    expect(Buffer.compare(await received, data)).toBe(0);
    expect(seen.length).toBeGreaterThan(1);
    // Every chunk is a view of one buffer: no allocation per read.
    expect(new Set(seen.map((chunk) => chunk.buffer)).size).toBe(1);
  });

  it('keep bytes read before any handler is set, and hand them over first', async () => {
    const [client, server] = await socketPair({ sharedRead: true });
    sockets.push(client, server);
    const early = pattern(1000, 1);
    server.write(early);
    await settle(50); // read now, with nobody listening
    const late = pattern(2000, 2);
    const received = collect(client, early.length + late.length);
    server.write(late);
    const all = await received;
    expect(Buffer.compare(all.subarray(0, 1000), early)).toBe(0);
    expect(Buffer.compare(all.subarray(1000), late)).toBe(0);
  });

  it('stop delivering to a handler once it is removed; the next handler gets what follows', async () => {
    const [client, server] = await socketPair({ sharedRead: true });
    sockets.push(client, server);
    const first: number[] = [];
    const stop = onChunks(client, (chunk) => first.push(...chunk));
    server.write(Uint8Array.of(1, 2, 3));
    while (first.length < 3) await settle(5);
    stop();
    server.write(Uint8Array.of(4, 5));
    await settle(50);
    const rest = await collect(client, 2);
    expect(first).toEqual([1, 2, 3]);
    expect([...rest]).toEqual([4, 5]);
  });

  it('fall back to data events on sockets not opened as shared-buffer sockets', async () => {
    const [client, server] = await socketPair();
    sockets.push(client, server);
    const data = pattern(70_000, 3);
    const received = collect(server, data.length);
    client.write(data);
    expect(Buffer.compare(await received, data)).toBe(0);
  });
});
