// uTP against python3-libtorrent with TCP off both ways (utp-lt-peer.ts): a session downloads a
// multi-file torrent from a uTP-only libtorrent seeder, and a uTP-only libtorrent leecher downloads
// one from a seeding session, each compared byte for byte, over 127.0.0.1 and over ::1. The
// sessions run as the CLI runs them (uTP first, TCP allowed): libtorrent refuses TCP, so only uTP
// can carry the data. Each transfer has its own deadline, well below jest's, whose error says how
// far both sides got.
import { afterAll, expect, it } from '@jest/globals';
import { describeWithTools, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import type { JsonLineChild } from '../testing/json-line-child.js';
import { differences, makeFixture } from '../testing/fixtures.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';
import { progressOf, recordPeers, startLtUtpPeer, withinDeadline, type LtUtpEvent } from '../testing/utp-lt-peer.js';

const FILES = [
  { path: ['one.bin'], length: 5 * 1024 * 1024 + 4321 },
  { path: ['sub', 'two.bin'], length: 700_001 },
  { path: ['empty.bin'], length: 0 },
];

describeWithTools(['python3-libtorrent'], 'uTP with a libtorrent that has TCP off', () => {
  const dirs: string[] = [];
  const sessions: Session[] = [];
  const peers: JsonLineChild<LtUtpEvent>[] = [];

  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    await Promise.all(sessions.map((s) => s.close()));
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '127.0.0.1'], // our session on IPv4 dials [::1] through its IPv6 socket
  ])('downloads from a uTP-only libtorrent seeder on %s, byte for byte (our host %s)', async (ltHost, ourHost) => {
    const name = `from-lt-utp-${ltHost === '::1' ? 6 : 4}`;
    const fixture = await makeFixture({ name, seed: 81, files: FILES, pieceLength: 128 * 1024 });
    dirs.push(fixture.dir);
    const torrentPath = await writeTorrentFile(fixture.dir, name, fixture.torrent);
    const seeder = startLtUtpPeer({ torrentPath, savePath: fixture.dir, host: ltHost });
    peers.push(seeder);
    const { port } = await seeder.waitFor('seeding');

    const target = await makeTempDir('typetorrent-lt-utp-');
    dirs.push(target);
    const session = new Session({ port: 0, host: ourHost, utp: true });
    sessions.push(session);
    const torrent = await session.add(fixture.torrent, { savePath: target, peers: [{ host: ltHost, port }] });
    const history = recordPeers(torrent);
    await withinDeadline(torrent.whenDone(), () => progressOf(torrent, history, seeder));
    expect(torrent.progress().verifiedBytes).toBe(fixture.metainfo.totalLength);
    expect(await differences(fixture, target)).toEqual([]);
  }, 120_000);

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'], // incoming uTP over IPv6
  ])('a uTP-only libtorrent leecher on %s downloads from our seed, byte for byte (our host %s)', async (ltHost, ourHost) => {
    const name = `to-lt-utp-${ltHost === '::1' ? 6 : 4}`;
    const fixture = await makeFixture({ name, seed: 83, files: FILES, pieceLength: 128 * 1024 });
    dirs.push(fixture.dir);
    const torrentPath = await writeTorrentFile(fixture.dir, name, fixture.torrent);
    const session = new Session({ port: 0, host: ourHost, utp: true });
    sessions.push(session);
    const seeding = await session.add(fixture.torrent, { savePath: fixture.dir });
    await seeding.whenDone();
    const history = recordPeers(seeding);

    const target = await makeTempDir('typetorrent-lt-utp-');
    dirs.push(target);
    const leecher = startLtUtpPeer({ torrentPath, savePath: target, leechFrom: session.port, host: ltHost });
    peers.push(leecher);
    await withinDeadline(leecher.waitFor('finished'), () => progressOf(seeding, history, leecher)); // libtorrent checked every piece's SHA-1
    expect(await differences(fixture, target)).toEqual([]);
    expect(seeding.progress().uploaded).toBeGreaterThanOrEqual(fixture.metainfo.totalLength);
  }, 120_000);
});
