// Real clients download from our seeder: a python3-libtorrent leecher told our address, and aria2c,
// which can only find us through opentracker over HTTP. Both must end with every byte right.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  describeWithTools,
  makeTempDir,
  removeTempDir,
  runAria2Download,
  startLibtorrentPeer,
  startOpentracker,
  type Opentracker,
} from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import type { Torrent } from '../torrent/torrent.js';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import { waitForSeeders, writeTorrentFile } from '../testing/swarm-helpers.js';

describeWithTools(['opentracker', 'python3-libtorrent', 'aria2c'], 'real clients download from our seeder', () => {
  let tracker: Opentracker;
  let session: Session;
  const dirs: string[] = [];

  beforeAll(async () => {
    tracker = await startOpentracker({ infoHashes: [] });
    session = new Session({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await session.close();
    await tracker.stop();
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  async function seed(seed: number): Promise<{ fixture: Fixture; torrent: Torrent; torrentPath: string }> {
    const fixture = await makeFixture({ name: `ours-${seed}`, seed, trackers: [[tracker.httpAnnounceUrl]] });
    dirs.push(fixture.dir);
    await tracker.allow(fixture.metainfo.infoHashHex);
    const torrent = await session.add(fixture.torrent, { savePath: fixture.dir });
    await torrent.whenDone();
    expect(torrent.status).toEqual({ state: 'seeding', complete: true });
    const torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
    return { fixture, torrent, torrentPath };
  }

  it('a libtorrent leecher gets the whole torrent', async () => {
    const { fixture, torrent, torrentPath } = await seed(31);
    const target = await makeTempDir('typetorrent-lt-leech-');
    dirs.push(target);
    const leecher = await startLibtorrentPeer({ torrentPath, savePath: target, seed: false, peers: [['127.0.0.1', session.port]] });
    try {
      await leecher.waitFor('finished', { timeoutMs: 30_000 });
    } finally {
      await leecher.stop();
    }
    expect(await differences(fixture, target)).toEqual([]);
    expect(torrent.progress().uploaded).toBeGreaterThanOrEqual(fixture.metainfo.totalLength);
  });

  it('aria2c finds us through the tracker and gets the whole torrent', async () => {
    const { fixture, torrent, torrentPath } = await seed(41);
    await waitForSeeders(tracker.httpAnnounceUrl, fixture.metainfo, 1);
    const target = await makeTempDir('typetorrent-aria2-');
    dirs.push(target);
    const result = await runAria2Download({ torrentPath, dir: target, timeoutMs: 45_000 });
    expect({ code: result.code, killed: result.killed, stderr: result.stderr }).toEqual({ code: 0, killed: false, stderr: '' });
    expect(await differences(fixture, target)).toEqual([]);
    expect(torrent.progress().uploaded).toBeGreaterThanOrEqual(fixture.metainfo.totalLength);
  });
});
