// Outgoing handshakes under each encryption policy, against scripted loopback servers: the plaintext
// fallback (once, then remembered), the refusal under `require`, and a responder that breaks the
// MSE rules.
import net from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MseError } from '@typetorrent/mse';
import { WireDecoder, createPeerId, encodeHandshake, encodeReserved } from '@typetorrent/peer-wire';
import { systemClock } from '../clock.js';
import type { EngineError } from '../errors.js';
import { BoundedKeys } from '../net/bounded-keys.js';
import type { EncryptionPolicy } from '../net/encryption.js';
import { tcpSocketFactory, type DialEncryption } from '../net/socket-factory.js';
import { dial } from './handshake-io.js';

const infoHash = new Uint8Array(20).fill(3);
const servers: net.Server[] = [];
const accepted: net.Socket[] = [];

afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map(async (server) => await new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** A server whose every connection is handled by `onConnection`; returns its port and a count of connections. */
async function server(onConnection: (socket: net.Socket) => void): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const s = net.createServer((socket) => {
    count++;
    accepted.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  return { port: address !== null && typeof address === 'object' ? address.port : 0, connections: () => count };
}

/** A plaintext-only peer: closes anything that is not a BitTorrent handshake, answers one that is. */
function plaintextPeer(socket: net.Socket): void {
  const decoder = new WireDecoder();
  socket.on('data', (chunk: Buffer) => {
    try {
      decoder.push(new Uint8Array(chunk));
      const message = decoder.next();
      if (message?.type === 'handshake') socket.write(encodeHandshake({ reserved: encodeReserved({}), infoHash, peerId: createPeerId({ prefix: '-PL0001-' }) }));
    } catch {
      socket.destroy();
    }
  });
}

function encryption(policy: EncryptionPolicy, warnings: EngineError[] = []): DialEncryption {
  return { policy, plaintextPeers: new BoundedKeys(10), warn: (w) => warnings.push(w) };
}

async function dialTo(port: number, enc: DialEncryption): Promise<Awaited<ReturnType<typeof dial>>> {
  const handshaken = await dial({
    host: '127.0.0.1',
    port,
    key: `127.0.0.1:${port}`,
    reserved: encodeReserved({ fast: true }),
    infoHash,
    peerId: createPeerId(),
    socketFactory: tcpSocketFactory,
    clock: systemClock,
    handshakeTimeoutMs: 5000,
    encryption: enc,
  });
  handshaken.socket.destroy();
  return handshaken;
}

describe('dial under an encryption policy', () => {
  it('prefer: a plaintext-only peer gets one MSE attempt, then plaintext, and plaintext straight away next time', async () => {
    const peer = await server(plaintextPeer);
    const enc = encryption('prefer');
    const first = await dialTo(peer.port, enc);
    expect([first.cipher, peer.connections(), enc.plaintextPeers?.has(`127.0.0.1:${peer.port}`)]).toEqual([undefined, 2, true]);
    await dialTo(peer.port, enc);
    expect(peer.connections()).toBe(3);
  });

  it('require: a plaintext-only peer is refused after the one MSE attempt, with a warning', async () => {
    const peer = await server(plaintextPeer);
    const warnings: EngineError[] = [];
    await expect(dialTo(peer.port, encryption('require', warnings))).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringMatching(/encryption is required/) });
    expect([peer.connections(), warnings.length]).toEqual([1, 1]);
  });

  it('disable: plaintext only, no MSE attempt', async () => {
    const peer = await server(plaintextPeer);
    const handshaken = await dialTo(peer.port, encryption('disable'));
    expect([handshaken.cipher, peer.connections()]).toEqual([undefined, 1]);
  });

  it('a responder that pads past the limit fails the handshake at once, with no plaintext retry', async () => {
    // A valid-looking Yb, then 600 bytes in which the encrypted VC never appears (PadB is at most 512).
    const peer = await server((socket) => socket.once('data', () => socket.write(Buffer.concat([Buffer.alloc(96, 0x5a), Buffer.alloc(600, 0x11)]))));
    const failure = dialTo(peer.port, encryption('prefer'));
    await expect(failure).rejects.toMatchObject({ code: 'PROTOCOL' });
    const error = (await failure.catch((e: unknown) => e)) as EngineError;
    expect(error.cause).toBeInstanceOf(MseError);
    expect((error.cause as MseError).code).toBe('sync-not-found');
    expect(peer.connections()).toBe(1);
  });
});
