// The DHT against python3-libtorrent on 127.0.0.1, with no tracker anywhere: a libtorrent leecher
// with a magnet link finds our seeding session only through the DHT, and our session downloads a
// magnet link from a libtorrent seeder found only through the DHT. Three DHT nodes each time (a node
// never answers get_peers for its own torrents, shared/docs/interop.md): a router (our DhtNode) both
// sides bootstrap from, and the two peers' own nodes. Byte for byte, within 60 s each.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DhtNode } from '@typetorrent/dht';
import { formatMagnet, metainfoToMagnet, type Metainfo } from '@typetorrent/metainfo';
import { describeWithTools, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { differences, makeFixture } from '../testing/fixtures.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';
import type { PeerEvent } from '../torrent/types.js';
import { startLtDiscoveryPeer, type LtDiscoveryPeer } from '../testing/lt-discovery-peer.js';

describeWithTools(['python3-libtorrent'], 'DHT interop with libtorrent (no trackers)', () => {
  let router: DhtNode;
  let bootstrap: string;
  const sessions: Session[] = [];
  const peers: LtDiscoveryPeer[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    router = await DhtNode.create({ host: '127.0.0.1', port: 0, ipv6: false, bootstrap: [] });
    bootstrap = `127.0.0.1:${router.port}`;
  });

  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    await Promise.all(sessions.map((s) => s.close()));
    await router.close();
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  /** Resolves once someone announces `metainfo` to the router (with its port). */
  function announcedToRouter(metainfo: Metainfo): Promise<number> {
    return new Promise((resolve) => {
      const onAnnounce = (infoHash: Uint8Array, peer: { port: number }): void => {
        if (Buffer.from(infoHash).toString('hex') !== metainfo.infoHashHex) return;
        router.off('announce', onAnnounce);
        resolve(peer.port);
      };
      router.on('announce', onAnnounce);
    });
  }

  function trackerlessMagnet(metainfo: Metainfo): string {
    return formatMagnet({ ...metainfoToMagnet(metainfo), trackers: [] });
  }

  it('a libtorrent leecher with a trackerless magnet finds our seeding session through the DHT and downloads', async () => {
    const fixture = await makeFixture({ name: 'lt-dht-leech', seed: 61 });
    dirs.push(fixture.dir);
    const seeder = new Session({ port: 0, host: '127.0.0.1', dht: { bootstrap: [bootstrap] } });
    sessions.push(seeder);
    const announced = announcedToRouter(fixture.metainfo);
    await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
    expect(await announced).toBe(seeder.port);

    const target = await makeTempDir('typetorrent-lt-dht-');
    dirs.push(target);
    const leecher = startLtDiscoveryPeer({ savePath: target, bootstrap: [bootstrap], source: { magnet: trackerlessMagnet(fixture.metainfo) } });
    peers.push(leecher);
    await leecher.waitFor('finished');
    expect(leecher.events.filter((e) => e.event === 'peer').map((e) => e.address)).toContain(`127.0.0.1:${seeder.port}`);
    expect(await differences(fixture, target)).toEqual([]);
  }, 60_000);

  it('our session downloads a trackerless magnet from a libtorrent seeder found through the DHT', async () => {
    const fixture = await makeFixture({ name: 'lt-dht-seed', seed: 62 });
    dirs.push(fixture.dir);
    const torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
    const announced = announcedToRouter(fixture.metainfo);
    const seeder = startLtDiscoveryPeer({ savePath: fixture.dir, bootstrap: [bootstrap], source: { torrentPath } });
    peers.push(seeder);
    const { port } = await seeder.waitFor('seeding');
    await announced;

    const target = await makeTempDir('typetorrent-from-lt-dht-');
    dirs.push(target);
    const leecher = new Session({ port: 0, host: '127.0.0.1', dht: { bootstrap: [bootstrap] } });
    sessions.push(leecher);
    const torrent = await leecher.add(trackerlessMagnet(fixture.metainfo), { savePath: target });
    const connected: string[] = [];
    torrent.on('peer', (event: PeerEvent) => {
      if (event.type === 'connect') connected.push(event.peer.key);
    });
    await torrent.whenDone();
    expect(connected).toContain(`127.0.0.1:${port}`);
    expect(torrent.progress().verifiedBytes).toBe(fixture.metainfo.totalLength);
    expect(await differences(fixture, target)).toEqual([]);
  }, 60_000);
});
