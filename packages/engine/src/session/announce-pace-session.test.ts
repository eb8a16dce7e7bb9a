// The session's announces end to end: torrents added together reach their tracker at the
// session's `announcesPerSecond`, on the session's (manual) clock, through its tracker transport;
// a queued torrent announces nothing until its slot comes.
import { afterEach, expect, it } from '@jest/globals';
import { createTorrent } from '@typetorrent/metainfo';
import { MemoryStorage, type StorageFactory } from '@typetorrent/storage';
import type { AnnounceRequest, AnnounceResult, TrackerTransport } from '@typetorrent/tracker';
import { ManualClock } from '../testing/manual-clock.js';
import type { Torrent } from '../torrent/torrent.js';
import { Session } from './session.js';

const TRACKER = 'http://tracker.test/announce';
let session: Session | undefined;

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

class CountingTracker implements TrackerTransport {
  readonly started: number[] = [];
  /** Every announce as "<first byte of the info-hash> <event>". */
  readonly events: string[] = [];
  constructor(private readonly clock: ManualClock) {}

  async announce(_url: string, request: AnnounceRequest): Promise<AnnounceResult> {
    this.events.push(`${request.infoHash[0]} ${request.event}`);
    if (request.event === 'started') this.started.push(this.clock.now());
    return { ok: true, interval: 1800, peers: [] };
  }

  async scrape(): Promise<never> {
    throw new Error('not used');
  }
}

async function reach(torrent: Torrent, state: string): Promise<void> {
  while (torrent.state !== state) await new Promise<void>((resolve) => torrent.once('state', () => resolve()));
}

const reachRunning = async (torrent: Torrent): Promise<void> => await reach(torrent, 'downloading');

async function tinyTorrent(index: number): ReturnType<typeof createTorrent> {
  const bytes = new TextEncoder().encode(`announce pace ${index}`);
  return await createTorrent({ kind: 'file', name: `p${index}.txt`, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: 16_384, trackers: [[TRACKER]] });
}

it('torrents added together announce at most announcesPerSecond a second, the first at once', async () => {
  const clock = new ManualClock();
  const tracker = new CountingTracker(clock);
  session = new Session({ port: 0, host: '127.0.0.1', clock, trackers: { http: tracker, udp: tracker }, announcesPerSecond: 4, maxActiveDownloads: Number.POSITIVE_INFINITY, hashThreads: 0 });
  const torrents: Torrent[] = [];
  for (let index = 0; index < 10; index++) {
    const { metainfo } = await tinyTorrent(index);
    torrents.push(await session.add(metainfo, { savePath: '/nonexistent-typetorrent-test', storage: async (t) => new MemoryStorage(t) }));
  }
  await Promise.all(torrents.map(reachRunning));
  // Each announcer's first round is a timer of 0 ms on the session's clock.
  clock.advance(0);
  await settle();
  const start = clock.now();
  expect(tracker.started).toEqual([start, start, start, start]);
  for (let second = 1; second <= 2; second++) {
    clock.advance(1000);
    await settle();
  }
  expect(tracker.started.map((at) => (at - start) / 1000)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
});

it('a queued torrent does not announce; it does once a slot frees, and the paused one says stopped', async () => {
  const clock = new ManualClock();
  const tracker = new CountingTracker(clock);
  session = new Session({ port: 0, host: '127.0.0.1', clock, trackers: { http: tracker, udp: tracker }, maxActiveDownloads: 1, hashThreads: 0 });
  const [a, b] = [(await tinyTorrent(100)).metainfo, (await tinyTorrent(200)).metainfo];
  const storage: StorageFactory = async (t) => new MemoryStorage(t);
  const options = { savePath: '/nonexistent-typetorrent-test', storage };
  const first = await session.add(a, options);
  await reach(first, 'downloading');
  const second = await session.add(b, options);
  await reach(second, 'queued');
  clock.advance(0);
  await settle();
  expect(tracker.events).toEqual([`${a.infoHash[0]} started`]);
  await first.pause();
  await reach(second, 'downloading');
  clock.advance(0);
  await settle();
  expect(tracker.events).toEqual([`${a.infoHash[0]} started`, `${a.infoHash[0]} stopped`, `${b.infoHash[0]} started`]);
});
