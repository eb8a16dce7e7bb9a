// The listener's cap on connections still handshaking: a flood of idle sockets costs at most that
// many pending handshakes; the rest are closed at once (and the pending ones at the handshake deadline).
import net from 'node:net';
import { afterAll, expect, it } from '@jest/globals';
import { Session } from './session.js';

const MAX_PENDING_HANDSHAKES = 64;
const session = new Session({ port: 0, host: '127.0.0.1', maxConnections: 1000 });
const sockets: net.Socket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await session.close();
});

it(`keeps at most ${MAX_PENDING_HANDSHAKES} connections waiting for a handshake; the others are closed at once`, async () => {
  const port = await session.listen();
  const extra = 6;
  let closedEarly = 0;
  const allClosed = new Promise<void>((resolve) => {
    for (let i = 0; i < MAX_PENDING_HANDSHAKES + extra; i++) {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        closedEarly++;
        if (closedEarly === extra) resolve();
      });
      sockets.push(socket);
    }
  });
  await allClosed;
  // Every socket connected; exactly the ones over the cap were closed (the rest wait for the 10 s deadline).
  await new Promise((resolve) => setImmediate(resolve));
  expect(closedEarly).toBe(extra);
});
