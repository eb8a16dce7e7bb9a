// The session's UDP sockets: one per address family on one port number, KRPC and uTP told apart on
// both, an IPv6 port that cannot be bound costing a warning rather than uTP, and sessions trading a
// torrent over uTP on ::1 (TCP dialling off, so only uTP can carry it).
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture } from '../testing/fixtures.js';
import type { PeerEvent } from '../torrent/types.js';
import { Session, type SessionOptions } from './session.js';
import { SessionUdp, udpHosts } from './session-udp.js';

const closing: { close(): Promise<void> | void }[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const thing of closing.reverse()) await thing.close();
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

async function closeQuietly(socket: dgram.Socket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // the test closed it already
    }
  });
}

async function udpSocket(type: 'udp4' | 'udp6', host: string, port = 0): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
  await new Promise<void>((resolve) => socket.bind(port, host, resolve));
  closing.push({ close: () => closeQuietly(socket) });
  return socket;
}

describe('udpHosts', () => {
  it('pairs a wildcard or loopback host with its counterpart in the other family, and binds any other address alone', () => {
    expect([...udpHosts('0.0.0.0')]).toEqual([[4, '0.0.0.0'], [6, '::']]);
    expect([...udpHosts('::')]).toEqual([[4, '0.0.0.0'], [6, '::']]);
    expect([...udpHosts('127.0.0.1')]).toEqual([[4, '127.0.0.1'], [6, '::1']]);
    expect([...udpHosts('::1')]).toEqual([[4, '127.0.0.1'], [6, '::1']]);
    expect([...udpHosts('192.0.2.7')]).toEqual([[4, '192.0.2.7']]);
    expect([...udpHosts('2001:db8::7')]).toEqual([[6, '2001:db8::7']]);
  });
});

describe('SessionUdp', () => {
  it('binds IPv4 and IPv6 on one port number and hands KRPC from either family to the DHT, answering through the same family', async () => {
    const udp = new SessionUdp({});
    closing.push(udp);
    expect(await udp.bind(0, '127.0.0.1')).toEqual([]);
    expect(udp.families).toEqual([4, 6]);
    const krpc: string[] = [];
    udp.onKrpc((bytes, from) => {
      krpc.push(`${Buffer.from(bytes).toString()} from ${from.address}`);
      udp.send(Buffer.from('d1:y1:re'), from.port, from.address.includes(':') ? from.address : `::ffff:${from.address}`);
      return true;
    });
    const v4 = await udpSocket('udp4', '127.0.0.1');
    const v6 = await udpSocket('udp6', '::1');
    const reply4 = once(v4, 'message');
    v4.send('d1:y1:qe', udp.port, '127.0.0.1');
    expect(String((await reply4)[0])).toBe('d1:y1:re'); // an IPv4-mapped address goes out over IPv4
    const reply6 = once(v6, 'message');
    v6.send('d1:y1:qe', udp.port, '::1');
    expect(String((await reply6)[0])).toBe('d1:y1:re');
    expect(krpc).toEqual(['d1:y1:qe from 127.0.0.1', 'd1:y1:qe from ::1']);
  });

  it('an IPv6 port number already taken is a warning: IPv4 runs on, IPv6 peers have no uTP socket', async () => {
    const v4 = await udpSocket('udp4', '127.0.0.1');
    await udpSocket('udp6', '::1', v4.address().port); // the same number, taken over IPv6 only
    const port = v4.address().port;
    await closeQuietly(v4); // free it over IPv4
    const udp = new SessionUdp({ utp: { accept: () => undefined } });
    closing.push(udp);
    const warnings = await udp.bind(port, '127.0.0.1');
    expect(warnings).toEqual([expect.objectContaining({ code: 'LISTEN_FAILED', message: expect.stringMatching(/\[::1\].*IPv6 peers over TCP only/) })]);
    expect(udp.families).toEqual([4]);
    expect(udp.utp(4)).toBeDefined();
    expect(udp.utp(6)).toBeUndefined();
  });

  it('on an IPv6 host, the IPv4 port number already taken is a warning and IPv6 runs on', async () => {
    const taken = await udpSocket('udp4', '127.0.0.1');
    const udp = new SessionUdp({ utp: { accept: () => undefined } });
    closing.push(udp);
    const warnings = await udp.bind(taken.address().port, '::1');
    expect(warnings).toEqual([expect.objectContaining({ code: 'LISTEN_FAILED', message: expect.stringContaining('IPv4 peers over TCP only') })]);
    expect(udp.families).toEqual([6]);
    expect(udp.utp(6)).toBeDefined();
  });
});

describe('uTP over IPv6', () => {
  const FILES = [
    { path: ['a.bin'], length: 2 * 1024 * 1024 + 333 },
    { path: ['b', 'c.bin'], length: 40_001 },
  ];

  function session(options: SessionOptions): Session {
    const created = new Session({ port: 0, host: '127.0.0.1', ...options });
    closing.push(created);
    return created;
  }

  async function target(): Promise<string> {
    const dir = await makeTempDir('typetorrent-utp6-');
    dirs.push(dir);
    return dir;
  }

  async function firstPeer(seeder: Session): Promise<PeerEvent & { type: 'connect' }> {
    const torrent = seeder.torrents[0]!;
    return await new Promise((resolve) => {
      const onPeer = (event: PeerEvent): void => {
        if (event.type !== 'connect') return;
        torrent.off('peer', onPeer);
        resolve(event);
      };
      torrent.on('peer', onPeer);
    });
  }

  it.each([
    ['two sessions on ::1', '::1'],
    ['two sessions on 127.0.0.1 dialling each other at ::1', '127.0.0.1'],
  ] as const)('%s that dial only over uTP trade a torrent byte for byte', async (_name, host) => {
    const fixture = await makeFixture({ name: `utp6-${host}`, seed: 91, files: FILES, pieceLength: 64 * 1024 });
    dirs.push(fixture.dir);
    const seeder = session({ host, utp: { tcp: false } });
    const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
    await seeding.whenDone();
    const connected = firstPeer(seeder);
    const leecher = session({ host, utp: { tcp: false } });
    const warnings: Error[] = [];
    leecher.on('warning', (warning) => warnings.push(warning));
    await leecher.listen();
    const dir = await target();
    const torrent = await leecher.add(fixture.torrent, { savePath: dir, peers: [{ host: '::1', port: seeder.port }] });
    await torrent.whenDone();
    expect(await differences(fixture, dir)).toEqual([]);
    // Over uTP the connection comes from the leecher's session port (its IPv6 UDP socket).
    expect((await connected).peer).toMatchObject({ direction: 'in', key: `[::1]:${leecher.port}` });
    expect(warnings).toEqual([]);
  });
});
