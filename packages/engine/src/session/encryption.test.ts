// Message Stream Encryption between sessions (issue 14): our initiator against our listener, the
// three policies against each other, routing by the obfuscated info-hash, and what a hostile or
// stalling peer gets. A relay between the sessions records the wire, so "encrypted" is checked on
// the bytes themselves, not taken from a flag.
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MseInitiator, cryptoRandom, handshakeOverSocket, type MseResult } from '@typetorrent/mse';
import { PROTOCOL_HEADER, WireDecoder, createPeerId, encodeHandshake, encodeReserved, type Handshake } from '@typetorrent/peer-wire';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import type { EngineError } from '../errors.js';
import type { EncryptionPolicy } from '../net/encryption.js';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import { startRelay, type Relay } from '../testing/relay.js';
import type { Torrent } from '../torrent/torrent.js';
import { Session, type SessionOptions } from './session.js';

let fixture: Fixture;
let other: Fixture;
const sessions: Session[] = [];
const relays: Relay[] = [];
const sockets: net.Socket[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  fixture = await makeFixture({ name: 'mse', seed: 71 });
  other = await makeFixture({ name: 'mse-other', seed: 72, files: [{ path: ['x.bin'], length: 60_000 }] });
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(relays.splice(0).map((r) => r.close()));
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await Promise.all([fixture.dir, other.dir, ...dirs].map((d) => removeTempDir(d)));
});

function session(options: SessionOptions = {}): Session {
  const s = new Session({ port: 0, host: '127.0.0.1', hashThreads: 0, ...options });
  sessions.push(s);
  return s;
}

async function seeder(encryption: EncryptionPolicy, options: SessionOptions = {}): Promise<{ session: Session; torrent: Torrent }> {
  const s = session({ encryption, ...options });
  const torrent = await s.add(fixture.torrent, { savePath: fixture.dir });
  await torrent.whenDone();
  return { session: s, torrent };
}

/** A leecher of `fixture` told to reach the seeder through a recording relay. */
async function leecher(encryption: EncryptionPolicy, seederPort: number): Promise<{ session: Session; torrent: Torrent; relay: Relay; dir: string }> {
  const relay = await startRelay(seederPort);
  relays.push(relay);
  const dir = await makeTempDir('typetorrent-mse-');
  dirs.push(dir);
  const s = session({ encryption });
  const torrent = await s.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: relay.port }] });
  return { session: s, torrent, relay, dir };
}

const PROTOCOL = Buffer.from(PROTOCOL_HEADER);

/** True when a 1 KiB stretch of the torrent's data shows on the wire as is. */
function showsData(wire: Buffer): boolean {
  const file = fixture.data.get('z.bin');
  if (file === undefined) throw new Error('fixture has no z.bin');
  return wire.includes(Buffer.from(file.subarray(5000, 6024)));
}

async function nextWarning(s: Session): Promise<EngineError> {
  return await new Promise<EngineError>((resolve) => s.once('warning', resolve));
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return socket;
}

async function closed(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return;
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
}

/** Our MSE initiator (from the mse package) on a raw socket, asking for `infoHash`. */
async function initiate(port: number, infoHash: Uint8Array): Promise<{ socket: net.Socket; result: MseResult }> {
  const socket = await connect(port);
  const ia = encodeHandshake({ reserved: encodeReserved({}), infoHash, peerId: createPeerId({ prefix: '-XX0000-' }) });
  const result = await handshakeOverSocket(socket, new MseInitiator({ infoHash, initialPayload: ia, random: cryptoRandom, now: Date.now() }));
  return { socket, result };
}

/** Reads the BitTorrent handshake that follows an MSE handshake, decrypting when it is RC4. */
async function answer(socket: net.Socket, result: MseResult): Promise<Handshake> {
  const decoder = new WireDecoder();
  decoder.push(result.received);
  return await new Promise<Handshake>((resolve, reject) => {
    const check = (): boolean => {
      const message = decoder.next();
      if (message === null) return false;
      if (message.type === 'handshake') resolve(message);
      else reject(new Error(`expected a handshake, got ${message.type}`));
      return true;
    };
    if (check()) return;
    socket.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk);
      result.decrypt?.process(bytes);
      decoder.push(bytes);
      check();
    });
    socket.on('close', () => reject(new Error('closed before a handshake')));
    socket.resume();
  });
}

describe('encrypted downloads between two sessions', () => {
  it('both requiring encryption: RC4 on the wire, every byte right', async () => {
    const seed = await seeder('require');
    const leech = await leecher('require', seed.session.port);
    await leech.torrent.whenDone();
    expect(await differences(fixture, leech.dir)).toEqual([]);
    const sent = leech.relay.sent();
    const received = leech.relay.received();
    expect(received.length).toBeGreaterThan(fixture.metainfo.totalLength);
    expect([sent.includes(PROTOCOL), received.includes(PROTOCOL), showsData(received)]).toEqual([false, false, false]);
  });

  it('both on the default (prefer): RC4 is picked', async () => {
    const seed = await seeder('prefer');
    const leech = await leecher('prefer', seed.session.port);
    await leech.torrent.whenDone();
    expect(await differences(fixture, leech.dir)).toEqual([]);
    expect([leech.relay.sent().includes(PROTOCOL), showsData(leech.relay.received())]).toEqual([false, false]);
  });

  it('prefer against a peer that refuses MSE: one encrypted attempt, then plaintext, every byte right', async () => {
    const seed = await seeder('disable');
    const leech = await leecher('prefer', seed.session.port);
    await leech.torrent.whenDone();
    expect(await differences(fixture, leech.dir)).toEqual([]);
    const [attempt, plain] = leech.relay.connections();
    expect(attempt?.subarray(0, PROTOCOL.length).equals(PROTOCOL)).toBe(false);
    expect(plain?.subarray(0, PROTOCOL.length).equals(PROTOCOL)).toBe(true);
    expect(showsData(leech.relay.received())).toBe(true);
  });

  it('a peer that requires encryption refuses a plaintext-only one, with a warning that says why', async () => {
    const seed = await seeder('disable');
    const relay = await startRelay(seed.session.port);
    relays.push(relay);
    const s = session({ encryption: 'require' });
    const warning = nextWarning(s);
    const torrent = await s.add(fixture.torrent, { savePath: await makeTempDir('typetorrent-mse-'), peers: [{ host: '127.0.0.1', port: relay.port }] });
    const refused = await warning;
    expect(refused.message).toMatch(/does not speak encryption.*encryption is required/);
    expect(refused.peer).toBe(`127.0.0.1:${relay.port}`);
    expect(torrent.progress().downloaded).toBe(0);
    // Never in plaintext: every connection it opened began with an MSE key, not the protocol string.
    for (const sent of relay.connections()) expect(sent.subarray(0, PROTOCOL.length).equals(PROTOCOL)).toBe(false);
  });

  it('a seeder that requires encryption refuses plaintext peers, with a warning', async () => {
    const seed = await seeder('require');
    const warning = nextWarning(seed.session);
    const leech = await leecher('disable', seed.session.port);
    expect((await warning).message).toMatch(/connected without encryption.*encryption is required/);
    expect(leech.torrent.progress().downloaded).toBe(0);
  });
});

describe('incoming MSE', () => {
  it('finds its torrent among all of the session\u2019s by the obfuscated info-hash', async () => {
    const s = session();
    await Promise.all([(await s.add(fixture.torrent, { savePath: fixture.dir })).whenDone(), (await s.add(other.torrent, { savePath: other.dir })).whenDone()]);
    for (const wanted of [other, fixture]) {
      const { socket, result } = await initiate(s.port, wanted.metainfo.infoHash);
      expect(result.method).toBe('rc4');
      expect(Buffer.from((await answer(socket, result)).infoHash).toString('hex')).toBe(wanted.metainfo.infoHashHex);
    }
  });

  it('closes a handshake for a torrent the session does not have', async () => {
    const s = session();
    await s.add(fixture.torrent, { savePath: fixture.dir });
    await expect(initiate(s.port, new Uint8Array(20).fill(9))).rejects.toMatchObject({ code: 'closed' });
  });

  it('is refused when encryption is disabled; plaintext still gets in', async () => {
    const s = session({ encryption: 'disable' });
    await (await s.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
    await expect(initiate(s.port, fixture.metainfo.infoHash)).rejects.toMatchObject({ code: 'closed', offset: 0 });
    const socket = await connect(s.port);
    socket.write(encodeHandshake({ reserved: encodeReserved({}), infoHash: fixture.metainfo.infoHash, peerId: createPeerId({ prefix: '-XX0000-' }) }));
    const reply = await answer(socket, { method: 'plaintext', infoHash: fixture.metainfo.infoHash, received: new Uint8Array(0), encrypt: undefined, decrypt: undefined });
    expect(Buffer.from(reply.infoHash).toString('hex')).toBe(fixture.metainfo.infoHashHex);
  });
});

describe('tracker announces', () => {
  /** The query of the first announce a session with `encryption` sends for a fresh torrent. */
  async function firstAnnounce(encryption: EncryptionPolicy, seed: number): Promise<string> {
    let resolveQuery: (query: string) => void = () => undefined;
    const query = new Promise<string>((resolve) => (resolveQuery = resolve));
    const server = http.createServer((req, res) => {
      resolveQuery(req.url ?? '');
      res.end('d8:intervali1800e5:peers0:e');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = address !== null && typeof address === 'object' ? address.port : 0;
      const tracked = await makeFixture({ name: `mse-tracked-${seed}`, seed, files: [{ path: ['t.bin'], length: 1000 }], trackers: [[`http://127.0.0.1:${port}/announce`]] });
      dirs.push(tracked.dir);
      await session({ encryption }).add(tracked.torrent, { savePath: tracked.dir });
      return await query;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('say whether we speak encryption: supportcrypto, plus requirecrypto under require, nothing when disabled', async () => {
    const crypto = (query: string): string[] => query.split(/[?&]/).filter((p) => p.includes('crypto'));
    expect(crypto(await firstAnnounce('prefer', 81))).toEqual(['supportcrypto=1']);
    expect(crypto(await firstAnnounce('require', 82))).toEqual(['supportcrypto=1', 'requirecrypto=1']);
    expect(crypto(await firstAnnounce('disable', 83))).toEqual([]);
  });
});

describe('hostile MSE peers', () => {
  /** A valid-looking Ya: any number in 2..P-2 (the prime starts with 0xff bytes). */
  const ya = new Uint8Array(96).fill(0x5a);

  /** Bytes the listener sends back before it closes the connection. */
  async function repliedThenClosed(socket: net.Socket): Promise<number> {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await closed(socket);
    return bytes;
  }

  it('drops a peer that sends 600 bytes of padding without the sync pattern, long before the deadline', async () => {
    // A one-minute handshake deadline: only the bounded search for HASH('req1', S) can end it in time.
    const s = session({ tuning: { handshakeTimeoutMs: 60_000 } });
    await s.add(fixture.torrent, { savePath: fixture.dir });
    const socket = await connect(s.port);
    const ending = repliedThenClosed(socket);
    const yb = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(ya);
    await yb; // the key exchange happened; now 600 bytes of padding where at most 512 may come
    socket.write(Buffer.alloc(600, 0x33));
    expect(await ending).toBeGreaterThanOrEqual(96);
  });

  it('drops peers that stop mid-handshake or never send the sync pattern at the deadline, and their slots come back', async () => {
    const s = session({ tuning: { handshakeTimeoutMs: 300 }, maxConnections: 2 });
    await (await s.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
    const stalled = await connect(s.port);
    const silent = await connect(s.port);
    const endings = [repliedThenClosed(stalled), repliedThenClosed(silent)];
    stalled.write(ya.subarray(0, 50)); // half a key, then nothing
    silent.write(Buffer.concat([ya, Buffer.alloc(100, 0x44)])); // a key and some padding, never the sync
    const [fromStalled, fromSilent] = await Promise.all(endings);
    expect(fromStalled).toBe(0);
    expect(fromSilent).toBeGreaterThanOrEqual(96);
    // Both connection slots were released: a real encrypted peer gets in.
    const { socket, result } = await initiate(s.port, fixture.metainfo.infoHash);
    expect(Buffer.from((await answer(socket, result)).infoHash).toString('hex')).toBe(fixture.metainfo.infoHashHex);
  });

  it('limits MSE attempts per address: past the burst, a connection is closed before any key exchange', async () => {
    const s = session();
    await s.add(fixture.torrent, { savePath: fixture.dir });
    const first = await Promise.all(Array.from({ length: 8 }, async () => await connect(s.port)));
    const answered = first.map(async (socket) => await new Promise<number>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.length))));
    for (const socket of first) socket.write(ya);
    for (const length of await Promise.all(answered)) expect(length).toBeGreaterThanOrEqual(96);
    const ninth = await connect(s.port);
    const ending = repliedThenClosed(ninth);
    ninth.write(ya);
    expect(await ending).toBe(0);
  });
});
