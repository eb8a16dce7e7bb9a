// Peers found through peer exchange alone (BEP 11): each leecher is given only the seeder; the
// seeder's ut_pex messages tell each about the other, and they connect and trade. Each leecher starts
// with the half of the pieces the other lacks and the seeder uploads slowly, so the two finish by
// trading with each other.
import { afterAll, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture, writePartialCopy } from '../testing/fixtures.js';
import type { Torrent } from '../torrent/torrent.js';
import type { PeerEvent } from '../torrent/types.js';
import { Session } from './session.js';

const PIECE = 16 * 1024;
const sessions: Session[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

it('leechers given only the seeder learn of each other by PEX, connect and finish', async () => {
  const fixture = await makeFixture({ name: 'pex', seed: 11, pieceLength: PIECE });
  dirs.push(fixture.dir);
  const seeder = new Session({ port: 0, host: '127.0.0.1', rateLimits: { upload: 4 * PIECE } });
  sessions.push(seeder);
  const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
  await seeding.whenDone();

  const leechers: { session: Session; torrent: Torrent; dir: string; dialled: string[] }[] = [];
  for (const half of [0, 1]) {
    const session = new Session({ port: 0, host: '127.0.0.1' });
    sessions.push(session);
    const dir = await makeTempDir('typetorrent-pex-');
    dirs.push(dir);
    await writePartialCopy(fixture, dir, (piece) => piece % 2 === half);
    const torrent = await session.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: seeder.port }] });
    const dialled: string[] = [];
    torrent.on('peer', (event: PeerEvent) => {
      if (event.type === 'connect' && event.peer.direction === 'out') dialled.push(event.peer.key);
    });
    leechers.push({ session, torrent, dir, dialled });
  }
  await Promise.all(leechers.map((l) => l.torrent.whenDone()));

  const [a, b] = leechers as [(typeof leechers)[0], (typeof leechers)[0]];
  // Someone dialled a leecher's listen port: only PEX could have named it.
  expect([...a.dialled.filter((key) => key === `127.0.0.1:${b.session.port}`), ...b.dialled.filter((key) => key === `127.0.0.1:${a.session.port}`)]).not.toEqual([]);
  for (const leecher of leechers) {
    expect(await differences(fixture, leecher.dir)).toEqual([]);
    // Half the pieces came from the other leecher, not from the slow seeder.
    expect(leecher.torrent.progress().uploaded).toBeGreaterThan(0);
  }
});
