import { afterEach, describe, expect, it } from '@jest/globals';
import type net from 'node:net';
import { Duplex } from 'node:stream';
import { Rc4 } from '@typetorrent/mse';
import { WireDecoder, createPeerId, encodeMessage, type WireMessage } from '@typetorrent/peer-wire';
import type { EngineError } from '../errors.js';
import type { PeerCipher } from '../net/encryption.js';
import { ManualClock } from '../testing/manual-clock.js';
import { readBytes, socketPair } from '../testing/socket-pair.js';
import { PeerConnection } from './peer-connection.js';

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

async function setup(
  decoder = new WireDecoder({ handshake: false }),
  onMessage?: (message: WireMessage) => void,
): Promise<{ conn: PeerConnection; remote: net.Socket; clock: ManualClock; messages: WireMessage[]; closed: EngineError[] }> {
  // The engine's outgoing sockets read into one shared buffer; these do too.
  const [local, remote] = await socketPair({ sharedRead: true });
  sockets.push(local, remote);
  const clock = new ManualClock();
  const conn = new PeerConnection({ socket: local, decoder, clock, key: 'test', direction: 'out', peerId: createPeerId(), fast: true, extended: true, keepAliveMs: 1000, inactivityMs: 3000 });
  const messages: WireMessage[] = [];
  const closed: EngineError[] = [];
  conn.on('message', (m) => {
    messages.push(m);
    onMessage?.(m);
  });
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

  it('gives bitfield and extended payloads their own bytes, which later reads into the shared buffer leave alone', async () => {
    const bitfield = Uint8Array.of(0b1010_1010, 0b1100_0000);
    const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    const { remote, messages } = await setup();
    remote.write(encodeMessage({ type: 'bitfield', bytes: bitfield }));
    remote.write(encodeMessage({ type: 'extended', id: 3, payload }));
    await until(() => messages.length === 2);
    // Enough later traffic to overwrite the shared read buffer many times over.
    const filler = encodeMessage({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(16384).fill(0xee) });
    for (let i = 0; i < 100; i++) remote.write(filler);
    await until(() => messages.length === 102);
    expect(messages[0]).toEqual({ type: 'bitfield', bytes: bitfield });
    expect(messages[1]).toEqual({ type: 'extended', id: 3, payload });
  });

  it('hands out every block intact while its listener runs, whatever the read boundaries', async () => {
    const blocks = Array.from({ length: 200 }, (_, n) => Uint8Array.from({ length: 16384 }, (_, i) => (i + n * 13) & 0xff));
    const mismatches: number[] = [];
    let seen = 0;
    const { remote } = await setup(undefined, (message) => {
      if (message.type !== 'piece') return;
      // Checked inside the listener: that is as long as the block is promised to be valid.
      if (Buffer.compare(message.block, blocks[message.index] ?? new Uint8Array(0)) !== 0) mismatches.push(message.index);
      seen++;
    });
    for (const [index, block] of blocks.entries()) remote.write(encodeMessage({ type: 'piece', index, begin: 0, block }));
    await until(() => seen === blocks.length);
    expect(mismatches).toEqual([]);
  });
});

describe('PeerConnection over RC4 (MSE)', () => {
  /** Both ends' streams, as a handshake leaves them: ours encrypts what theirs decrypts and back. */
  function ciphers(): { ours: PeerCipher; theirs: PeerCipher } {
    const a = new Uint8Array(20).fill(1);
    const b = new Uint8Array(20).fill(2);
    return { ours: { encrypt: Rc4.forMse(a), decrypt: Rc4.forMse(b) }, theirs: { encrypt: Rc4.forMse(b), decrypt: Rc4.forMse(a) } };
  }

  it('encrypts what it sends, piece blocks included, without touching the block it was given', async () => {
    const { ours, theirs } = ciphers();
    const [local, remote] = await socketPair({ sharedRead: true });
    sockets.push(local, remote);
    const conn = new PeerConnection({ socket: local, decoder: new WireDecoder({ handshake: false }), clock: new ManualClock(), key: 'test', direction: 'out', peerId: createPeerId(), fast: true, extended: true, cipher: ours });
    conn.start();
    const block = Uint8Array.from({ length: 16384 }, (_, i) => (i * 7) & 0xff);
    const untouched = new Uint8Array(block);
    const expected = [encodeMessage({ type: 'have', index: 5 }), encodeMessage({ type: 'piece', index: 1, begin: 0, block }), encodeMessage({ type: 'unchoke' })];
    const total = expected.reduce((sum, m) => sum + m.length, 0);
    const reading = readBytes(remote, total);
    conn.sendHave(5);
    conn.sendPiece(1, 0, block);
    conn.send({ type: 'unchoke' });
    const wire = new Uint8Array(await reading);
    expect(Buffer.from(wire).equals(Buffer.concat(expected))).toBe(false);
    theirs.decrypt.process(wire);
    expect(Buffer.from(wire).equals(Buffer.concat(expected))).toBe(true);
    expect(Buffer.from(block).equals(Buffer.from(untouched))).toBe(true);
  });

  it('decrypts what it reads, sent in many small writes, before decoding', async () => {
    const { ours, theirs } = ciphers();
    const [local, remote] = await socketPair({ sharedRead: true });
    sockets.push(local, remote);
    const conn = new PeerConnection({ socket: local, decoder: new WireDecoder({ handshake: false }), clock: new ManualClock(), key: 'test', direction: 'out', peerId: createPeerId(), fast: true, extended: true, cipher: ours });
    const messages: WireMessage[] = [];
    conn.on('message', (m) => messages.push(m));
    conn.start();
    const sent: WireMessage[] = Array.from({ length: 50 }, (_, i) => ({ type: 'have', index: i }));
    const wire = theirs.encrypt.update(Buffer.concat(sent.map((m) => encodeMessage(m))));
    for (let at = 0; at < wire.length; at += 7) remote.write(wire.subarray(at, at + 7));
    await until(() => messages.length === sent.length);
    expect(messages).toEqual(sent);
  });
});

describe('PeerConnection: a peer that takes none of our blocks', () => {
  /** A socket whose writes never complete (the peer reads nothing), with bytes the test pushes in. */
  function stalledSocket(): Duplex & { remoteAddress: string } {
    const socket = new Duplex({ read() {}, write(_chunk, _encoding, _done) {}, writev(_chunks, _done) {} });
    return Object.assign(socket, { remoteAddress: '10.0.0.9' });
  }

  function open(socket: Duplex, clock: ManualClock): { conn: PeerConnection; closed: EngineError[] } {
    const conn = new PeerConnection({ socket, decoder: new WireDecoder({ handshake: false }), clock, key: 'stalled', direction: 'in', peerId: createPeerId(), fast: true, extended: true, keepAliveMs: 1000, inactivityMs: 3000 });
    const closed: EngineError[] = [];
    conn.on('close', (reason) => closed.push(reason));
    conn.start();
    return { conn, closed };
  }

  /** Lets the pushed bytes reach the connection (stream events come from the next turns of the loop). */
  const delivered = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve));

  it('is dropped (INACTIVE) once no block has left for inactivityMs, though it keeps sending keep-alives', async () => {
    const clock = new ManualClock();
    const socket = stalledSocket();
    const { conn, closed } = open(socket, clock);
    conn.sendPiece(0, 0, new Uint8Array(16384));
    for (let second = 1; second <= 3; second++) {
      clock.advance(1000);
      socket.push(new Uint8Array(4)); // a keep-alive: the peer is alive, it just reads nothing
      await delivered();
      conn.tick(clock.now());
    }
    expect(closed).toEqual([expect.objectContaining({ code: 'INACTIVE', message: expect.stringMatching(/read none of the blocks/) })]);
  });

  it('is kept while nothing of ours waits for it, however long', async () => {
    const clock = new ManualClock();
    const socket = stalledSocket();
    const { conn, closed } = open(socket, clock);
    for (let second = 1; second <= 10; second++) {
      clock.advance(1000);
      socket.push(new Uint8Array(4));
      await delivered();
      conn.tick(clock.now());
    }
    expect(closed).toEqual([]);
  });
});
