import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createPeerId } from '@typetorrent/peer-wire';
import { createUtpSocket, type UtpSocket, type UtpStream } from '@typetorrent/utp';
import { socketPair } from '../testing/socket-pair.js';
import { LOOPBACK_UTP_PACKET_BYTES, transportOf, tuneForPeer } from './peer-socket.js';

const sockets: UtpSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

async function utpStream(): Promise<UtpStream> {
  const server = createUtpSocket();
  const client = createUtpSocket();
  sockets.push(server, client);
  const { port } = await server.listen(0, '127.0.0.1');
  await client.listen(0, '127.0.0.1');
  const accepted = once(server, 'connection') as Promise<[UtpStream]>;
  const stream = await client.dial(port, '127.0.0.1');
  const [incoming] = await accepted;
  // Closing the sockets resets both ends with an error nobody here needs.
  for (const s of [stream, incoming]) s.on('error', () => undefined);
  return stream;
}

describe('peer sockets', () => {
  it('tell uTP streams from TCP sockets', async () => {
    const [client, server] = await socketPair();
    expect(transportOf(client)).toBe('tcp');
    client.destroy();
    server.destroy();
    expect(transportOf(await utpStream())).toBe('utp');
  });

  it('raise the uTP packet size for a TypeTorrent peer on loopback, and only for one', async () => {
    const ours = await utpStream();
    const before = ours.connection.options.packetSize;
    tuneForPeer(ours, Buffer.from('-LT2080-abcdefghijkl', 'latin1')); // libtorrent truncates large datagrams
    expect(ours.connection.options.packetSize).toBe(before);
    tuneForPeer(ours, createPeerId());
    expect(ours.connection.options.packetSize).toBe(LOOPBACK_UTP_PACKET_BYTES);
  });
});
