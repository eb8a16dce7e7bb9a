import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '@typetorrent/metainfo';
import type { AnnounceRequest } from '@typetorrent/tracker';
import { SimClock } from './sim-clock.js';
import { SimTracker } from './sim-tracker.js';

const infoHash = new Uint8Array(20).fill(7);

function request(event: AnnounceRequest['event'], port: number, left = 100): AnnounceRequest {
  return { infoHash, peerId: new Uint8Array(20), port, uploaded: 0, downloaded: 0, left, event };
}

async function answered<T>(clock: SimClock, pending: Promise<T>): Promise<T> {
  clock.runUntil(clock.now() + 1000);
  return await pending;
}

describe('SimTracker', () => {
  it('answers after its delay with the other peers at the address it saw, and forgets a peer that stopped', async () => {
    const clock = new SimClock(0);
    const tracker = new SimTracker(clock, seededRandom(1), { intervalSeconds: 60 });
    const a = tracker.transportFor('10.0.1.1', () => true);
    const b = tracker.transportFor('10.0.2.1', () => true);
    await answered(clock, a.announce('http://t/announce', request('started', 1111, 0)));
    const forB = await answered(clock, b.announce('http://t/announce', request('started', 2222)));
    expect(forB).toMatchObject({ ok: true, interval: 60, seeders: 1, leechers: 1, peers: [{ host: '10.0.1.1', port: 1111 }] });
    await answered(clock, a.announce('http://t/announce', request('stopped', 1111, 0)));
    expect(tracker.count('07'.repeat(20))).toEqual({ peers: 1, seeds: 0 });
    expect(tracker.announces).toEqual({ started: 2, completed: 0, stopped: 1, none: 0 });
  });

  it('a node that has left gets no answer until its own signal gives up', async () => {
    const clock = new SimClock(0);
    const tracker = new SimTracker(clock, seededRandom(1));
    const gone = tracker.transportFor('10.0.3.1', () => false);
    const controller = new AbortController();
    const pending = gone.announce('http://t/announce', request('started', 3333), { signal: controller.signal });
    clock.runUntil(60_000);
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
  });
});
