// Sessions that talk uTP (BEP 29): two sessions that may dial only over uTP trade a torrent (MSE and
// plaintext), a trackerless magnet finds its seeder through a DHT running on the same UDP socket as
// uTP, a session that tries uTP first reaches a peer without uTP over TCP, and one with uTP still
// takes TCP connections.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, expect, it } from '@jest/globals';
import { DhtNode } from '@typetorrent/dht';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import type { PeerEvent } from '../torrent/types.js';
import { Session, type SessionOptions } from './session.js';

const sessions: Session[] = [];
const dirs: string[] = [];
let router: DhtNode | undefined;

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await router?.close();
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

const FILES = [
  { path: ['a.bin'], length: 3 * 1024 * 1024 + 777 },
  { path: ['b', 'c.bin'], length: 65_537 },
];

function session(options: SessionOptions): Session {
  const created = new Session({ port: 0, host: '127.0.0.1', ...options });
  sessions.push(created);
  return created;
}

async function target(): Promise<string> {
  const dir = await makeTempDir('typetorrent-utp-');
  dirs.push(dir);
  return dir;
}

async function seederOf(fixture: Fixture, options: SessionOptions): Promise<Session> {
  const seeder = session(options);
  const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
  await seeding.whenDone();
  return seeder;
}

/** The first peer that connects to `session`'s only torrent. */
async function firstPeer(session: Session): Promise<PeerEvent & { type: 'connect' }> {
  const torrent = session.torrents[0]!;
  return await new Promise((resolve) => {
    const onPeer = (event: PeerEvent): void => {
      if (event.type !== 'connect') return;
      torrent.off('peer', onPeer);
      resolve(event);
    };
    torrent.on('peer', onPeer);
  });
}

it.each([['prefer'], ['disable']] as const)('two sessions that dial only over uTP trade a torrent byte for byte (encryption %s)', async (encryption) => {
  const fixture = await makeFixture({ name: `utp-${encryption}`, seed: 71, files: FILES, pieceLength: 64 * 1024 });
  dirs.push(fixture.dir);
  const seeder = await seederOf(fixture, { utp: { tcp: false }, encryption });
  const connected = firstPeer(seeder);
  const leecher = session({ utp: { tcp: false }, encryption });
  await leecher.listen();
  const dir = await target();
  const torrent = await leecher.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: seeder.port }] });
  await torrent.whenDone();
  expect(await differences(fixture, dir)).toEqual([]);
  // Over uTP the leecher's connection comes from its session port (its UDP socket); over TCP it
  // would come from an ephemeral port.
  const { peer } = await connected;
  expect(peer).toMatchObject({ direction: 'in', key: `127.0.0.1:${leecher.port}` });
});

it('a trackerless magnet finds its seeder through a DHT sharing the UDP socket with uTP, then downloads over uTP', async () => {
  router = await DhtNode.create({ host: '127.0.0.1', port: 0, ipv6: false, bootstrap: [] });
  const bootstrap = [`127.0.0.1:${router.port}`];
  const fixture = await makeFixture({ name: 'utp-dht', seed: 73, files: FILES });
  dirs.push(fixture.dir);
  const announced = once(router, 'announce');
  const seeder = await seederOf(fixture, { utp: { tcp: false }, dht: { bootstrap } });
  const [, from] = (await announced) as [Uint8Array, { host: string; port: number }];
  expect(from.port).toBe(seeder.port);
  const connected = firstPeer(seeder);
  const leecher = session({ utp: { tcp: false }, dht: { bootstrap } });
  const dir = await target();
  const torrent = await leecher.add(formatMagnet(metainfoToMagnet(fixture.metainfo)), { savePath: dir });
  await torrent.whenDone();
  expect(await differences(fixture, dir)).toEqual([]);
  expect((await connected).peer.key).toBe(`127.0.0.1:${leecher.port}`);
  expect(leecher.dhtNodes).toBeGreaterThan(0);
});

it('a UDP port already taken is a warning: the session runs on over TCP', async () => {
  const taken = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
  try {
    const created = session({ port: taken.address().port, utp: true });
    const warned = once(created, 'warning') as Promise<[Error & { code?: string }]>;
    expect(await created.listen()).toBe(taken.address().port);
    const [warning] = await warned;
    expect(warning).toMatchObject({ code: 'LISTEN_FAILED', message: expect.stringContaining('uTP off, TCP only') });
  } finally {
    taken.close();
  }
});

it('a session that tries uTP first reaches a peer without uTP over TCP', async () => {
  const fixture = await makeFixture({ name: 'utp-fallback', seed: 75, files: FILES });
  dirs.push(fixture.dir);
  const seeder = await seederOf(fixture, {}); // TCP only, no UDP socket at all
  const connected = firstPeer(seeder);
  const leecher = session({ utp: { headStartMs: 100 } });
  await leecher.listen();
  const dir = await target();
  const torrent = await leecher.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: seeder.port }] });
  await torrent.whenDone();
  expect(await differences(fixture, dir)).toEqual([]);
  const { peer } = await connected;
  expect(peer.direction).toBe('in');
  expect(peer.key).not.toBe(`127.0.0.1:${leecher.port}`); // an ephemeral TCP port
});

it('a session with uTP still accepts TCP connections from a peer without it', async () => {
  const fixture = await makeFixture({ name: 'utp-tcp-in', seed: 77, files: FILES });
  dirs.push(fixture.dir);
  const seeder = await seederOf(fixture, { utp: true });
  const connected = firstPeer(seeder);
  const leecher = session({}); // TCP only
  await leecher.listen();
  const dir = await target();
  const torrent = await leecher.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: seeder.port }] });
  await torrent.whenDone();
  expect(await differences(fixture, dir)).toEqual([]);
  expect((await connected).peer.key).not.toBe(`127.0.0.1:${leecher.port}`);
});

it('a session with uTP and a DHT that never listened closes without binding anything', async () => {
  const idle = new Session({ port: 0, host: '127.0.0.1', utp: true, dht: { bootstrap: [] } });
  await expect(idle.close()).resolves.toBeUndefined();
  expect(idle.port).toBe(0);
});
