// Peers found through the DHT alone: a magnet link with no tracker and no peer downloads from a
// seeder that announced itself to a DHT node both sessions bootstrap from (all on 127.0.0.1).
import { once } from 'node:events';
import { afterAll, expect, it } from '@jest/globals';
import { DhtNode } from '@typetorrent/dht';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture } from '../testing/fixtures.js';
import type { PeerEvent } from '../torrent/types.js';
import { Session } from './session.js';

const sessions: Session[] = [];
const dirs: string[] = [];
let router: DhtNode | undefined;

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await router?.close();
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

it('a trackerless magnet link finds its seeder through the DHT and downloads', async () => {
  router = await DhtNode.create({ host: '127.0.0.1', port: 0, ipv6: false, bootstrap: [] });
  const bootstrap = [`127.0.0.1:${router.port}`];
  const fixture = await makeFixture({ name: 'dht', seed: 41 });
  dirs.push(fixture.dir);

  const seeder = new Session({ port: 0, host: '127.0.0.1', dht: { bootstrap } });
  sessions.push(seeder);
  const announced = once(router, 'announce');
  const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
  await seeding.whenDone();
  const [infoHash, peer] = (await announced) as [Uint8Array, { host: string; port: number }];
  expect(Buffer.from(infoHash).toString('hex')).toBe(fixture.metainfo.infoHashHex);
  expect(peer.port).toBe(seeder.port);

  const target = await makeTempDir('typetorrent-dht-');
  dirs.push(target);
  const leecher = new Session({ port: 0, host: '127.0.0.1', dht: { bootstrap } });
  sessions.push(leecher);
  const magnet = formatMagnet({ ...metainfoToMagnet(fixture.metainfo), trackers: [] });
  const torrent = await leecher.add(magnet, { savePath: target });
  const connected: string[] = [];
  torrent.on('peer', (event: PeerEvent) => {
    if (event.type === 'connect') connected.push(event.peer.key);
  });
  await torrent.whenDone();
  expect(await differences(fixture, target)).toEqual([]);
  expect(connected).toContain(`127.0.0.1:${seeder.port}`);
  expect(leecher.dhtNodes).toBeGreaterThan(0);
});
