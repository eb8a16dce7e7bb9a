// Two connected TCP sockets on loopback (test helper, not exported by the package).
import net from 'node:net';
import { createSharedReadSocket } from '../net/socket-input.js';

/** `sharedRead`: the client reads into the shared buffer, as the engine's outgoing sockets do. */
export async function socketPair(options: { sharedRead?: boolean } = {}): Promise<[client: net.Socket, server: net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = options.sharedRead === true ? createSharedReadSocket().connect(port, '127.0.0.1') : net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const other = await accepted;
  server.close();
  return [client, other];
}

/** Resolves with the next `count` bytes read from `socket` (its data events are consumed). */
export async function readBytes(socket: net.Socket, count: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let have = 0;
  return await new Promise<Uint8Array>((resolve) => {
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= count) {
        socket.off('data', onData);
        resolve(new Uint8Array(Buffer.concat(chunks)).subarray(0, count));
      }
    };
    socket.on('data', onData);
  });
}
