// A swarm of our own: one seeder that uploads no more than its first burst, and four leechers that
// know each other and each start with a different quarter of the pieces. Nothing depends on timing:
// the seeder's clock never moves, so once its burst is spent every missing piece must come from
// another leecher, and each leecher's quarter can only reach the others through its own uploads.
import { afterAll, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture, writePartialCopy } from '../testing/fixtures.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Torrent } from '../torrent/torrent.js';
import { Session } from './session.js';

const LEECHERS = 4;
const PIECE = 16 * 1024;
/** What the seeder may send before its (frozen) clock would have to refill the bucket: four pieces. */
const SEEDER_BURST = 4 * PIECE;
const sessions: Session[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

it('leechers trade pieces among themselves while the seeder is slow', async () => {
  const fixture = await makeFixture({ name: 'swarm', seed: 3, pieceLength: PIECE });
  dirs.push(fixture.dir);
  const seeder = new Session({ port: 0, host: '127.0.0.1', clock: new ManualClock(), rateLimits: { upload: SEEDER_BURST } });
  sessions.push(seeder);
  const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
  await seeding.whenDone();

  const leechers: { session: Session; dir: string }[] = [];
  for (let i = 0; i < LEECHERS; i++) {
    const session = new Session({ port: 0, host: '127.0.0.1' });
    sessions.push(session);
    await session.listen();
    const dir = await makeTempDir('typetorrent-swarm-');
    dirs.push(dir);
    await writePartialCopy(fixture, dir, (piece) => piece % LEECHERS === i);
    leechers.push({ session, dir });
  }
  const torrents: Torrent[] = [];
  for (const [i, leecher] of leechers.entries()) {
    const others = leechers.filter((_, j) => j !== i).map((other) => ({ host: '127.0.0.1', port: other.session.port }));
    torrents.push(await leecher.session.add(fixture.torrent, { savePath: leecher.dir, peers: [{ host: '127.0.0.1', port: seeder.port }, ...others] }));
  }
  await Promise.all(torrents.map((t) => t.whenDone()));

  const pieceCount = fixture.metainfo.geometry.pieceCount;
  for (const [i, torrent] of torrents.entries()) {
    expect(await differences(fixture, leechers[i]!.dir)).toEqual([]);
    // Its quarter, less what the seeder's burst could have covered, went out through this leecher.
    const own = Math.ceil((pieceCount - i) / LEECHERS);
    expect(torrent.progress().uploaded).toBeGreaterThanOrEqual((own - SEEDER_BURST / PIECE) * PIECE - PIECE);
  }
  expect(seeding.progress().uploaded).toBeLessThanOrEqual(SEEDER_BURST);
});
