// The active queue on real torrents in a real session: past `maxActiveDownloads` a torrent is
// `queued` (no peers), starts in queue order when a slot frees, and a finished download frees its
// slot by becoming a seed. The leecher gets the seeder's address only once every torrent is placed,
// so which torrent is queued never depends on how fast a download goes.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import type { Torrent } from '../torrent/torrent.js';
import type { TorrentState } from '../torrent/types.js';
import { Session } from './session.js';

const sessions: Session[] = [];
const dirs: string[] = [];
const fixtures: Fixture[] = [];

beforeAll(async () => {
  const dir = await makeTempDir('engine-queue-seeder-');
  dirs.push(dir);
  for (let index = 0; index < 3; index++) {
    fixtures.push(await makeFixture({ dir, name: `q${index}`, seed: 40 + index, files: [{ path: ['data.bin'], length: 150_000 + index }], pieceLength: 16_384 }));
  }
});

afterAll(async () => {
  await Promise.all(sessions.map(async (s) => await s.close()));
  await Promise.all(dirs.map(async (d) => await removeTempDir(d)));
});

async function reach(torrent: Torrent, state: TorrentState): Promise<void> {
  if (torrent.state === state) return;
  await new Promise<void>((resolve) => {
    const onState = (): void => {
      if (torrent.state !== state) return;
      torrent.off('state', onState);
      resolve();
    };
    torrent.on('state', onState);
  });
}

/** Adds a torrent with no data and no peers, and waits until its check has placed it (downloading or queued). */
async function addPlaced(session: Session, fixture: Fixture, savePath: string): Promise<Torrent> {
  const torrent = await session.add(fixture.torrent, { savePath, announce: false });
  await new Promise<void>((resolve) => {
    const placed = (): boolean => torrent.state === 'downloading' || torrent.state === 'queued';
    if (placed()) return resolve();
    const onState = (): void => {
      if (!placed()) return;
      torrent.off('state', onState);
      resolve();
    };
    torrent.on('state', onState);
  });
  return torrent;
}

it('with one download slot, torrents download one at a time in queue order, each finished one freeing the slot', async () => {
  const seeder = new Session({ port: 0, host: '127.0.0.1' });
  sessions.push(seeder);
  for (const fixture of fixtures) await (await seeder.add(fixture.torrent, { savePath: fixture.dir, announce: false })).whenDone();

  const leecher = new Session({ port: 0, host: '127.0.0.1', maxActiveDownloads: 1 });
  sessions.push(leecher);
  const savePath = await makeTempDir('engine-queue-leecher-');
  dirs.push(savePath);
  const torrents: Torrent[] = [];
  for (const fixture of fixtures) torrents.push(await addPlaced(leecher, fixture, savePath));
  expect(torrents.map((t) => t.state)).toEqual(['downloading', 'queued', 'queued']);
  expect(torrents.map((t) => t.queuePosition)).toEqual([0, 1, 2]);
  // The last one moved first: it gets the next free slot.
  leecher.moveQueue(torrents[2]!, 0);
  expect(torrents.map((t) => t.queuePosition)).toEqual([1, 2, 0]);

  const started: number[] = [];
  let downloading = 1;
  let mostDownloading = 1;
  for (const [index, torrent] of torrents.entries()) {
    torrent.on('state', (status, previous) => {
      if (status.state === 'downloading') {
        started.push(index);
        mostDownloading = Math.max(mostDownloading, ++downloading);
      }
      if (previous === 'downloading') downloading--;
    });
    torrent.addPeer({ host: '127.0.0.1', port: seeder.port });
  }
  await Promise.all(torrents.map(async (t) => await t.whenDone()));

  expect(started).toEqual([2, 1]);
  expect(mostDownloading).toBe(1);
  expect(torrents.map((t) => t.state)).toEqual(['seeding', 'seeding', 'seeding']);
  for (const fixture of fixtures) expect(await differences(fixture, savePath)).toEqual([]);
}, 60_000);

it('a queued torrent holds no peers; pause makes it paused, resume queues it again, limits change at run time', async () => {
  const session = new Session({ port: 0, host: '127.0.0.1', maxActiveDownloads: 1 });
  sessions.push(session);
  const savePath = await makeTempDir('engine-queue-limits-');
  dirs.push(savePath);
  const torrents: Torrent[] = [];
  for (const fixture of fixtures) torrents.push(await addPlaced(session, fixture, savePath));
  const [first, second, third] = torrents as [Torrent, Torrent, Torrent];
  expect(torrents.map((t) => t.state)).toEqual(['downloading', 'queued', 'queued']);
  expect(second.progress().peers).toBe(0);

  await third.pause();
  expect(third.state).toBe('paused');
  await third.resume();
  expect(third.state).toBe('queued');

  session.setActiveLimits({ downloads: 3 });
  await Promise.all([reach(second, 'downloading'), reach(third, 'downloading')]);
  expect(session.setActiveLimits().downloads).toBe(3);

  // Lowered again: the latest in the queue go back to wait.
  session.setActiveLimits({ downloads: 1 });
  await Promise.all([reach(second, 'queued'), reach(third, 'queued')]);
  expect(first.state).toBe('downloading');

  // A paused download frees its slot for the next in the queue.
  await first.pause();
  await reach(second, 'downloading');
  expect(third.state).toBe('queued');
  // A removed one too; and those after it move up.
  await session.remove(second);
  await reach(third, 'downloading');
  expect([first.queuePosition, third.queuePosition]).toEqual([0, 1]);
  // Resumed while the slot is taken: it waits.
  await first.resume();
  expect(first.state).toBe('queued');
}, 60_000);
