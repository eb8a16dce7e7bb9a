import { afterEach, describe, expect, it } from '@jest/globals';
import type net from 'node:net';
import { WireDecoder, createPeerId, encodeMessage, type WireMessage } from '@typetorrent/peer-wire';
import type { EngineError } from '../errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { readBytes, socketPair } from '../testing/socket-pair.js';
import { PeerConnection } from './peer-connection.js';

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

async function setup(decoder = new WireDecoder({ handshake: false })): Promise<{ conn: PeerConnection; remote: net.Socket; clock: ManualClock; messages: WireMessage[]; closed: EngineError[] }> {
  const [local, remote] = await socketPair();
  sockets.push(local, remote);
  const clock = new ManualClock();
  const conn = new PeerConnection({ socket: local, decoder, clock, key: 'test', direction: 'out', peerId: createPeerId(), fast: true, extended: true, keepAliveMs: 1000, inactivityMs: 3000 });
  const messages: WireMessage[] = [];
  const closed: EngineError[] = [];
  conn.on('message', (m) => messages.push(m));
  conn.on('close', (reason) => closed.push(reason));
  conn.start();
  return { conn, remote, clock, messages, closed };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('PeerConnection', () => {
  it('delivers bytes that came with the handshake before later ones, in order', async () => {
    const decoder = new WireDecoder({ handshake: false });
    decoder.push(encodeMessage({ type: 'have', index: 3 }));
    const { remote, messages } = await setup(decoder);
    remote.write(encodeMessage({ type: 'unchoke' }));
    await until(() => messages.length === 2);
    expect(messages).toEqual([{ type: 'have', index: 3 }, { type: 'unchoke' }]);
  });

  it('writes a piece message as header and block that decode back to the same message', async () => {
    const { conn, remote } = await setup();
    const block = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const reading = readBytes(remote, 13 + block.length);
    conn.sendPiece(7, 16384, block);
    const decoded = new WireDecoder({ handshake: false }).decode(await reading);
    expect(decoded).toEqual([{ type: 'piece', index: 7, begin: 16384, block }]);
    expect(conn.bytesOut).toBe(13 + block.length);
  });

  it('sends a keep-alive after keepAliveMs without sending, and drops a peer silent for inactivityMs', async () => {
    const { conn, remote, clock, closed } = await setup();
    const reading = readBytes(remote, 4);
    clock.advance(1000);
    conn.tick(clock.now());
    expect(await reading).toEqual(new Uint8Array(4));
    clock.advance(2000);
    conn.tick(clock.now());
    expect(closed.map((r) => r.code)).toEqual(['INACTIVE']);
    expect(conn.closed).toBe(true);
  });

  it('closes with PROTOCOL when the peer breaks the framing', async () => {
    const { remote, closed } = await setup();
    remote.write(Uint8Array.of(0, 0, 0, 2, 4, 0)); // a HAVE must be 5 bytes long
    await until(() => closed.length > 0);
    expect(closed[0]?.code).toBe('PROTOCOL');
  });

  it('reports back-pressure: not writable once the socket buffer is full, writable again on drain', async () => {
    const { conn, remote } = await setup();
    remote.pause();
    const block = new Uint8Array(16 * 1024);
    let sent = 0;
    while (conn.writable && sent < 10_000) {
      conn.sendPiece(0, 0, block);
      sent++;
    }
    expect(conn.writable).toBe(false);
    const drained = new Promise<void>((resolve) => conn.once('drain', resolve));
    remote.resume();
    await drained;
    expect(conn.writable).toBe(true);
  });

  it('stops reading while paused and reads again when resumed', async () => {
    const { conn, remote, messages } = await setup();
    conn.pauseReading();
    remote.write(encodeMessage({ type: 'interested' }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(messages).toEqual([]);
    conn.resumeReading();
    await until(() => messages.length === 1);
    expect(messages).toEqual([{ type: 'interested' }]);
  });
});
