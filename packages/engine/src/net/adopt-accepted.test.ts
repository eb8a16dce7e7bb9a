// Accepted TCP sockets moved onto the shared read buffer (adoptAccepted): what the listen port does
// with every incoming connection. Checked on the Node that runs the tests, so a Node whose net
// internals no longer allow it fails here instead of silently reading through 'data' events.
import net from 'node:net';
import { afterEach, expect, it } from '@jest/globals';
import { adoptAccepted, onChunks, readsShared } from './socket-input.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const done of cleanup.splice(0)) done();
});

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
}

/** A server accepting paused, as the Listener does, and a client connected to it. */
async function acceptedPair(): Promise<{ server: net.Server; client: net.Socket; accepted: net.Socket }> {
  const server = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  const socket = await accepted;
  cleanup.push(() => {
    client.destroy();
    server.close();
  });
  return { server, client, accepted: socket };
}

it('an accepted socket moves onto the shared read buffer: every byte in order, each read in the same memory', async () => {
  const { client, accepted } = await acceptedPair();
  const adopted = adoptAccepted(accepted);
  cleanup.push(() => adopted.destroy());
  expect(adopted).not.toBe(accepted);
  expect(readsShared(adopted)).toBe(true);
  const data = pattern(2 * 1024 * 1024 + 5, 1);
  const out = new Uint8Array(data.length);
  const buffers = new Set<ArrayBufferLike>();
  let have = 0;
  const received = new Promise<void>((resolve) => {
    onChunks(adopted, (chunk) => {
      buffers.add(chunk.buffer);
      out.set(chunk, have);
      have += chunk.length;
      if (have === data.length) resolve();
    });
  });
  adopted.resume();
  client.write(data);
  await received;
  expect(Buffer.compare(out, data)).toBe(0);
  expect(buffers.size).toBe(1);
  expect(adopted.remoteAddress).toBe('127.0.0.1');
});

it('writes, the peer closing and destroying work on the adopted socket; the server no longer counts it', async () => {
  const { server, client, accepted } = await acceptedPair();
  const adopted = adoptAccepted(accepted);
  const echoed = new Promise<Buffer>((resolve) => client.once('data', resolve));
  adopted.write(Uint8Array.of(7, 8, 9));
  expect([...(await echoed)]).toEqual([7, 8, 9]);
  const connections = await new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
  expect(connections).toBe(0);
  // The server closes at once (the connection is the session's to close), the connection lives on.
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  adopted.destroy();
  await closed;
  expect(adopted.destroyed).toBe(true);
});
