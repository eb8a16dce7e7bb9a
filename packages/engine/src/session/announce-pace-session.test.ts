// The session's announce pace end to end: torrents added together reach their tracker at the
// session's `announcesPerSecond`, on the session's (manual) clock, through its tracker transport.
import { afterEach, expect, it } from '@jest/globals';
import { createTorrent } from '@typetorrent/metainfo';
import { MemoryStorage } from '@typetorrent/storage';
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
  constructor(private readonly clock: ManualClock) {}

  async announce(_url: string, request: AnnounceRequest): Promise<AnnounceResult> {
    if (request.event === 'started') this.started.push(this.clock.now());
    return { ok: true, interval: 1800, peers: [] };
  }

  async scrape(): Promise<never> {
    throw new Error('not used');
  }
}

async function reachRunning(torrent: Torrent): Promise<void> {
  while (torrent.state !== 'downloading') await new Promise<void>((resolve) => torrent.once('state', () => resolve()));
}

it('torrents added together announce at most announcesPerSecond a second, the first at once', async () => {
  const clock = new ManualClock();
  const tracker = new CountingTracker(clock);
  session = new Session({ port: 0, host: '127.0.0.1', clock, trackers: { http: tracker, udp: tracker }, announcesPerSecond: 4, maxActiveDownloads: Number.POSITIVE_INFINITY, hashThreads: 0 });
  const torrents: Torrent[] = [];
  for (let index = 0; index < 10; index++) {
    const bytes = new TextEncoder().encode(`announce pace ${index}`);
    const { metainfo } = await createTorrent({ kind: 'file', name: `p${index}.txt`, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: 16_384, trackers: [[TRACKER]] });
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
