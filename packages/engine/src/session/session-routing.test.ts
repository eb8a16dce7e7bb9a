// Session-level rules: one port routed by info-hash, limits on connections, no connection to
// ourselves, refusals of bad input, removal.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WireDecoder, createPeerId, encodeHandshake, encodeReserved } from '@typetorrent/peer-wire';
import { removeTempDir } from '@typetorrent/testkit';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { waitUntil } from '../testing/swarm-helpers.js';
import type { PeerEvent } from '../torrent/types.js';
import { tcpSocketFactory } from '../net/socket-factory.js';
import { Session } from './session.js';

let fixture: Fixture;
let other: Fixture;
const sessions: Session[] = [];

beforeAll(async () => {
  fixture = await makeFixture({ name: 'routing', seed: 41 });
  other = await makeFixture({ name: 'other', seed: 42, files: [{ path: ['x.bin'], length: 50_000 }] });
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await removeTempDir(fixture.dir);
  await removeTempDir(other.dir);
});

function session(options: ConstructorParameters<typeof Session>[0] = {}): Session {
  const s = new Session({ port: 0, host: '127.0.0.1', ...options });
  sessions.push(s);
  return s;
}

/** Connects, sends a handshake for `infoHash`, and resolves with the reply's info-hash, or 'closed'. */
async function handshakeWith(port: number, infoHash: Uint8Array): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(encodeHandshake({ reserved: encodeReserved({}), infoHash, peerId: createPeerId({ prefix: '-XX0000-' }) }));
  const decoder = new WireDecoder();
  return await new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      const message = decoder.decode(chunk)[0];
      if (message?.type === 'handshake') {
        resolve(Buffer.from(message.infoHash).toString('hex'));
        socket.destroy();
      }
    });
    socket.on('close', () => resolve('closed'));
  });
}

describe('Session', () => {
  it('routes incoming connections to the torrent their handshake names, and closes the others', async () => {
    const s = session();
    const a = await s.add(fixture.torrent, { savePath: fixture.dir });
    const b = await s.add(other.torrent, { savePath: other.dir });
    await Promise.all([a.whenDone(), b.whenDone()]);
    expect(await handshakeWith(s.port, fixture.metainfo.infoHash)).toBe(fixture.metainfo.infoHashHex);
    expect(await handshakeWith(s.port, other.metainfo.infoHash)).toBe(other.metainfo.infoHashHex);
    expect(await handshakeWith(s.port, new Uint8Array(20).fill(7))).toBe('closed');
  });

  it('refuses a torrent it already has, and bytes that are no torrent', async () => {
    const s = session();
    await s.add(fixture.torrent, { savePath: fixture.dir, start: false });
    await expect(s.add(fixture.torrent, { savePath: fixture.dir })).rejects.toMatchObject({ code: 'DUPLICATE_TORRENT' });
    await expect(s.add(Uint8Array.of(1, 2, 3), { savePath: fixture.dir })).rejects.toMatchObject({ code: 'BAD_TORRENT' });
  });

  it('never connects to itself, even when told to', async () => {
    const dials: string[] = [];
    const s = session({
      // Quick redials and frequent ticks: a dial that failed for any other reason would be repeated
      // within the test.
      tuning: { reconnectBaseMs: 10, tickMs: 20 },
      socketFactory: async (options) => {
        dials.push(`${options.host}:${options.port}`);
        return await tcpSocketFactory(options);
      },
    });
    const torrent = await s.add(fixture.torrent, { savePath: fixture.dir });
    await torrent.whenDone();
    const events: PeerEvent[] = [];
    torrent.on('peer', (e) => events.push(e));
    // Our own port on a loopback address: known to be us without dialling.
    torrent.addPeer({ host: '127.0.0.1', port: s.port });
    torrent.addPeer({ host: 'localhost', port: s.port });
    // Ourselves behind a forwarding port: it dials once, sees its own peer id, and gives up for good.
    const proxy = net.createServer((inbound) => {
      const outbound = net.connect(s.port, '127.0.0.1');
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as net.AddressInfo).port;
    torrent.addPeer({ host: '127.0.0.1', port: proxyPort });
    await waitUntil(() => dials.length > 0, 5000, () => 'never dialled the forwarding port');
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.close();
    expect(events).toEqual([]);
    expect(dials).toEqual([`127.0.0.1:${proxyPort}`]);
    expect(torrent.peers()).toEqual([]);
  });

  it('keeps to its connection limit across torrents', async () => {
    const seeder = session({ maxConnections: 1 });
    const a = await seeder.add(fixture.torrent, { savePath: fixture.dir });
    const b = await seeder.add(other.torrent, { savePath: other.dir });
    await Promise.all([a.whenDone(), b.whenDone()]);
    expect(await handshakeWith(seeder.port, fixture.metainfo.infoHash)).toBe(fixture.metainfo.infoHashHex);
    // Held open: the one slot is taken.
    const holder = net.connect(seeder.port, '127.0.0.1');
    holder.write(encodeHandshake({ reserved: encodeReserved({}), infoHash: fixture.metainfo.infoHash, peerId: createPeerId() }));
    await waitUntil(() => a.peers().length === 1, 5000, () => 'the first connection never arrived');
    expect(await handshakeWith(seeder.port, other.metainfo.infoHash)).toBe('closed');
    holder.destroy();
  });

  it('a removed torrent is stopped and refuses further calls', async () => {
    const s = session();
    const torrent = await s.add(fixture.torrent, { savePath: fixture.dir });
    await torrent.whenDone();
    await s.remove(torrent);
    expect(torrent.state).toBe('stopped');
    expect(s.get(fixture.metainfo.infoHashHex)).toBeUndefined();
    await expect(torrent.start()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => torrent.addPeer({ host: '127.0.0.1', port: 1 })).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});
