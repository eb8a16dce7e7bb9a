// Our client downloads from python3-libtorrent, finding it only through a real opentracker (over
// HTTP, then over UDP, and from a magnet link): a multi-file torrent with odd sizes, a zero-length
// file and pieces spanning files, compared byte for byte.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  describeWithTools,
  makeTempDir,
  removeTempDir,
  startLibtorrentSeeder,
  startOpentracker,
  type LibtorrentPeer,
  type Opentracker,
} from '@typetorrent/testkit';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { Session } from '../session/session.js';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import { waitForSeeders, writeTorrentFile } from '../testing/swarm-helpers.js';

describeWithTools(['opentracker', 'python3-libtorrent'], 'download from a libtorrent seeder found through opentracker', () => {
  let tracker: Opentracker;
  const dirs: string[] = [];
  const seeders: LibtorrentPeer[] = [];

  beforeAll(async () => {
    tracker = await startOpentracker({ infoHashes: [] });
  });

  afterAll(async () => {
    await Promise.all(seeders.map((s) => s.stop()));
    await tracker.stop();
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  async function seed(announceUrl: string, seed: number): Promise<Fixture> {
    // libtorrent reaches the tracker itself: the torrent names only this one URL.
    const fixture = await makeFixture({ name: `lt-${seed}`, seed, trackers: [[announceUrl]] });
    dirs.push(fixture.dir);
    await tracker.allow(fixture.metainfo.infoHashHex);
    const torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
    seeders.push(await startLibtorrentSeeder({ torrentPath, savePath: fixture.dir }));
    return fixture;
  }

  async function download(fixture: Fixture, source: Uint8Array | string = fixture.torrent): Promise<void> {
    const target = await makeTempDir('typetorrent-from-lt-');
    dirs.push(target);
    const session = new Session({ port: 0, host: '127.0.0.1' });
    try {
      const torrent = await session.add(source, { savePath: target });
      await torrent.whenDone();
      expect(torrent.progress().verifiedBytes).toBe(fixture.metainfo.totalLength);
    } finally {
      await session.close();
    }
    expect(await differences(fixture, target)).toEqual([]);
  }

  it('over HTTP', async () => {
    const fixture = await seed(tracker.httpAnnounceUrl, 11);
    await waitForSeeders(tracker.httpAnnounceUrl, fixture.metainfo, 1);
    await download(fixture);
  });

  it('from a magnet link: the metadata from libtorrent (BEP 9), the tracker over HTTP', async () => {
    const fixture = await seed(tracker.httpAnnounceUrl, 31);
    await waitForSeeders(tracker.httpAnnounceUrl, fixture.metainfo, 1);
    await download(fixture, formatMagnet(metainfoToMagnet(fixture.metainfo)));
  });

  it('over UDP', async () => {
    const fixture = await seed(tracker.udpAnnounceUrl, 21);
    // Scrape over HTTP: the same opentracker serves both on one port.
    await waitForSeeders(tracker.httpAnnounceUrl, fixture.metainfo, 1);
    await download(fixture);
  });
});
