// A torrent is ticked by its session's one tick while active (issue 17: no interval per torrent),
// leaves it when paused or stopped, and builds no progress event nobody listens to.
import { afterAll, expect, it, jest } from '@jest/globals';
import { parseTorrent } from '@typetorrent/metainfo';
import { removeTempDir } from '@typetorrent/testkit';
import { makeFixture } from '../testing/fixtures.js';
import { testServices } from '../testing/services.js';
import { Torrent } from './torrent.js';
import type { TorrentProgress, TorrentStatus } from './types.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

async function seedingTorrents(count: number): Promise<{ torrents: Torrent[]; services: ReturnType<typeof testServices> }> {
  const fixture = await makeFixture({ name: 'tick', seed: 9 });
  dirs.push(fixture.dir);
  const services = testServices();
  const torrents: Torrent[] = [];
  for (let i = 0; i < count; i++) {
    // The same data under one folder: each torrent checks and seeds it on its own.
    const torrent = new Torrent(parseTorrent(fixture.torrent), { savePath: fixture.dir, announce: false }, services);
    const seeded = new Promise<void>((resolve) => torrent.on('state', (status: TorrentStatus) => status.state === 'seeding' && resolve()));
    await torrent.start();
    await seeded;
    torrents.push(torrent);
  }
  return { torrents, services };
}

it('seeding torrents share the services tick and leave it on pause and stop', async () => {
  const { torrents, services } = await seedingTorrents(3);
  expect(services.ticks.size).toBe(3);
  await torrents[0]!.pause();
  expect(services.ticks.size).toBe(2);
  await torrents[0]!.resume();
  expect(services.ticks.size).toBe(3);
  await Promise.all(torrents.map(async (torrent) => await torrent.stop()));
  expect(services.ticks.size).toBe(0);
});

it('a tick builds no progress for nobody, emits it to a listener each time, and none once stopped', async () => {
  const { torrents, services } = await seedingTorrents(1);
  const torrent = torrents[0]!;
  const events: TorrentProgress[] = [];
  const built = jest.spyOn(torrent, 'progress');
  services.clock.advance(services.tuning.tickMs * 3);
  expect(built).not.toHaveBeenCalled();
  built.mockRestore();
  torrent.on('progress', (progress) => events.push(progress));
  services.clock.advance(services.tuning.tickMs * 2);
  expect(events.map((p) => p.state)).toEqual(['seeding', 'seeding']);
  await torrent.stop();
  const afterStop = events.length;
  services.clock.advance(services.tuning.tickMs * 5);
  expect(events).toHaveLength(afterStop);
});
