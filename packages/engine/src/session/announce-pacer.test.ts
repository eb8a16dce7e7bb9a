import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '@typetorrent/metainfo';
import type { AnnounceRequest, AnnounceResult, TrackerTransport } from '@typetorrent/tracker';
import { ManualClock } from '../testing/manual-clock.js';
import { testServices } from '../testing/services.js';
import { TorrentAnnouncer } from '../torrent/announce.js';
import { AnnouncePacer } from './announce-pacer.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Moves the clock in steps, letting promise callbacks (turns, tracker answers) run between them. */
async function run(clock: ManualClock, ms: number, stepMs = 100): Promise<void> {
  await settle();
  for (let done = 0; done < ms; done += stepMs) {
    clock.advance(Math.min(stepMs, ms - done));
    await settle();
  }
}

/** A tracker that answers every announce at once (interval 1800 s) and notes when each came. */
class CountingTracker implements TrackerTransport {
  readonly seen: { readonly at: number; readonly infoHash: string; readonly event: string }[] = [];
  constructor(private readonly clock: ManualClock) {}

  async announce(_url: string, request: AnnounceRequest): Promise<AnnounceResult> {
    this.seen.push({ at: this.clock.now(), infoHash: Buffer.from(request.infoHash).toString('hex'), event: request.event });
    return { ok: true, interval: 1800, peers: [] };
  }

  async scrape(): Promise<never> {
    throw new Error('not used');
  }

  /** Announces per whole second since `from`. */
  perSecond(from: number, events?: string): number[] {
    const bins: number[] = [];
    for (const { at, event } of this.seen) {
      if (events !== undefined && event !== events) continue;
      const bin = Math.floor((at - from) / 1000);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    return [...bins].map((count) => count ?? 0);
  }
}

describe('AnnouncePacer', () => {
  it('gives the first turn at once, without the clock moving', async () => {
    const pacer = new AnnouncePacer({ clock: new ManualClock(), perSecond: 20 });
    let given = false;
    void pacer.turn(new AbortController().signal).then(() => (given = true));
    await settle();
    expect(given).toBe(true);
  });

  it('starts at most perSecond rounds in any 1,000 ms, first come first served', async () => {
    const clock = new ManualClock();
    const pacer = new AnnouncePacer({ clock, perSecond: 20 });
    const order: number[] = [];
    const times: number[] = [];
    const start = clock.now();
    for (let index = 0; index < 100; index++) {
      void pacer.turn(new AbortController().signal).then(() => {
        order.push(index);
        times.push(clock.now() - start);
      });
    }
    await run(clock, 6000);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (const at of times) expect(times.filter((t) => t > at - 1000 && t <= at).length).toBeLessThanOrEqual(20);
    expect(times.at(-1)).toBe(4000);
  });

  it('a round aborted while waiting gives its turn to the next', async () => {
    const clock = new ManualClock();
    const pacer = new AnnouncePacer({ clock, perSecond: 1 });
    await pacer.turn(new AbortController().signal);
    const abort = new AbortController();
    const cut = pacer.turn(abort.signal);
    let second = false;
    void pacer.turn(new AbortController().signal).then(() => (second = true));
    abort.abort(new Error('stopping'));
    await expect(cut).rejects.toThrow('stopping');
    expect(pacer.waiting).toBe(1);
    await run(clock, 1000);
    expect(second).toBe(true);
  });

  it('close() tells rounds still waiting that the session closed', async () => {
    const pacer = new AnnouncePacer({ clock: new ManualClock(), perSecond: 1 });
    await pacer.turn(new AbortController().signal);
    const waiting = pacer.turn(new AbortController().signal);
    pacer.close();
    await expect(waiting).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('refuses a rate below 1 and a jitter outside [0, 1)', () => {
    expect(() => new AnnouncePacer({ clock: new ManualClock(), perSecond: 0 })).toThrow(/at least 1/);
    expect(() => new AnnouncePacer({ clock: new ManualClock(), jitter: 1 })).toThrow(/jitter/);
  });
});

describe('announces of 1,000 torrents started at once (a session restart)', () => {
  it('go out at most 20 a second, and their re-announces do not stay in lock-step', async () => {
    const services = testServices();
    const { clock } = services;
    const tracker = new CountingTracker(clock);
    const pacer = new AnnouncePacer({ clock, perSecond: 20, random: seededRandom(17) });
    const shared = { ...services, trackers: { http: tracker }, announcePacing: pacer };
    const start = clock.now();
    const announcers: TorrentAnnouncer[] = [];
    for (let index = 0; index < 1000; index++) {
      const infoHash = new Uint8Array(20);
      new DataView(infoHash.buffer).setUint32(0, index + 1);
      const announcer = new TorrentAnnouncer(shared, { stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }), peers: () => undefined, warn: () => undefined });
      announcer.start({ infoHash, infoHashHex: Buffer.from(infoHash).toString('hex'), tiers: [['http://tracker.test/announce']] });
      announcers.push(announcer);
    }
    try {
      await run(clock, 60_000);
      const started = tracker.perSecond(start, 'started');
      expect(started.reduce((a, b) => a + b, 0)).toBe(1000);
      expect(Math.max(...started)).toBeLessThanOrEqual(20);
      expect(started).toHaveLength(50); // 1,000 at 20 a second
      // Re-announces come due 1,620..1,800 s after each torrent's first (up to 10% sooner, at random).
      await run(clock, 1_580_000 - 60_000, 10_000);
      await run(clock, 300_000, 200);
      const first = new Map<string, number>();
      const again = new Map<string, number>();
      for (const { at, infoHash, event } of tracker.seen) (event === 'started' ? first : again).set(infoHash, at);
      expect(again.size).toBe(1000);
      const waits = [...again].map(([hash, at]) => at - first.get(hash)!);
      for (const wait of waits) {
        expect(wait).toBeGreaterThanOrEqual(1_620_000);
        expect(wait).toBeLessThanOrEqual(1_810_000);
      }
      // Each torrent drew its own wait: no lock-step with the first round's order.
      expect(new Set(waits.map((w) => Math.round(w / 1000))).size).toBeGreaterThan(150);
      expect(Math.max(...tracker.perSecond(start, 'none'))).toBeLessThanOrEqual(20);
    } finally {
      pacer.close();
      await Promise.all(announcers.map(async (a) => await a.stop()));
    }
  }, 60_000);
});
