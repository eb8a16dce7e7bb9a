// The listener's caps on connections still handshaking: a flood of idle sockets costs at most that
// many pending handshakes, and one address at most its share; the rest are closed at once (the
// pending ones at the handshake deadline).
import net from 'node:net';
import { afterAll, expect, it } from '@jest/globals';
import { socketPair } from '../testing/socket-pair.js';
import { MAX_PENDING_HANDSHAKES, MAX_PENDING_PER_ADDRESS } from './listener.js';
import { Session } from './session.js';

const session = new Session({ port: 0, host: '127.0.0.1', maxConnections: 1000 });
const sockets: net.Socket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await session.close();
});

/** Resolves once `count` of `sockets` have been closed by the other end. */
function closedCount(watched: readonly net.Socket[], count: number): Promise<number> {
  let closed = 0;
  return new Promise((resolve) => {
    for (const socket of watched) {
      socket.on('close', () => {
        closed++;
        if (closed === count) resolve(closed);
      });
    }
  });
}

it(`keeps at most ${MAX_PENDING_HANDSHAKES} connections waiting for a handshake; the others are closed at once`, async () => {
  const port = await session.listen();
  const extra = 6;
  const flood: net.Socket[] = [];
  for (let i = 0; i < MAX_PENDING_HANDSHAKES + extra; i++) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    flood.push(socket);
  }
  sockets.push(...flood);
  await closedCount(flood, extra);
  // Only the ones over the cap were closed (the rest wait for the 10 s deadline).
  await new Promise((resolve) => setImmediate(resolve));
  expect(flood.filter((s) => s.destroyed || s.readyState === 'closed').length).toBe(extra);
  for (const socket of flood) socket.destroy();
});

it(`keeps at most ${MAX_PENDING_PER_ADDRESS} handshakes waiting from one (non-loopback) address`, async () => {
  await session.listen();
  const ours: net.Socket[] = [];
  const theirs: net.Socket[] = [];
  for (let i = 0; i < MAX_PENDING_PER_ADDRESS + 2; i++) {
    const [client, server] = await socketPair();
    // The pair is on loopback (exempt); this end says it comes from 10.1.2.3.
    Object.defineProperty(server, 'remoteAddress', { value: '10.1.2.3' });
    client.on('error', () => undefined);
    ours.push(client);
    theirs.push(server);
  }
  sockets.push(...ours, ...theirs);
  const closing = closedCount(ours, 2);
  for (const server of theirs) session.acceptIncoming(server);
  await closing;
  await new Promise((resolve) => setImmediate(resolve));
  expect(ours.filter((s) => s.destroyed || s.readyState === 'closed').length).toBe(2);
});
