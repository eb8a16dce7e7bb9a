// A swarm of our own: one seeder whose upload is limited and four leechers that also know each
// other. The leechers must trade pieces among themselves (each uploads to the others) and all end
// with every byte right.
import { afterAll, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture } from '../testing/fixtures.js';
import type { Torrent } from '../torrent/torrent.js';
import { Session } from './session.js';

const LEECHERS = 4;
const sessions: Session[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

it('leechers trade pieces among themselves while the seeder is slow', async () => {
  const fixture = await makeFixture({ name: 'swarm', seed: 3, pieceLength: 16 * 1024 });
  dirs.push(fixture.dir);
  // The seeder alone would need about 4 × 1.5 MiB / 0.5 MiB/s = 12 s; trading shortens that.
  const seeder = new Session({ port: 0, host: '127.0.0.1', rateLimits: { upload: 512 * 1024 } });
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
    leechers.push({ session, dir });
  }
  const torrents: Torrent[] = [];
  for (const [i, leecher] of leechers.entries()) {
    const others = leechers.filter((_, j) => j !== i).map((other) => ({ host: '127.0.0.1', port: other.session.port }));
    torrents.push(await leecher.session.add(fixture.torrent, { savePath: leecher.dir, peers: [{ host: '127.0.0.1', port: seeder.port }, ...others] }));
  }
  await Promise.all(torrents.map((t) => t.whenDone()));

  for (const [i, torrent] of torrents.entries()) {
    expect(await differences(fixture, leechers[i]!.dir)).toEqual([]);
    // A leecher's uploads can only have gone to other leechers: the seeder wants nothing.
    expect(torrent.progress().uploaded).toBeGreaterThan(0);
  }
  const fromSeeder = seeding.progress().uploaded;
  const total = torrents.reduce((sum, t) => sum + t.progress().downloaded, 0);
  expect(fromSeeder).toBeLessThan(total);
});
