// The DHT peer source on a hand-driven clock and a scripted DHT: when it looks up and announces.
import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../testing/manual-clock.js';
import { CheckQueue } from '../session/check-queue.js';
import { DHT_REANNOUNCE_MS, DHT_RETRY_MS, DhtAnnouncer } from './dht-announcer.js';
import type { DhtService } from './dht-service.js';
import type { Endpoint } from './types.js';

class ScriptedDht implements DhtService {
  readonly port = 6881;
  readonly nodeCount = 3;
  peers: Endpoint[] = [];
  takers = 0;
  lookups = 0;
  readonly announces: number[] = [];
  async *lookup(): AsyncIterable<Endpoint> {
    this.lookups++;
    for (const peer of this.peers) yield peer;
  }
  async announce(_infoHash: Uint8Array, port: number): Promise<number> {
    this.announces.push(port);
    return this.takers;
  }
  addNode(): void {}
}

/** Lets the announcer's async round finish (it awaits only the scripted DHT). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function announcer(dht: ScriptedDht, clock: ManualClock, found: Endpoint[][]): DhtAnnouncer {
  return new DhtAnnouncer(dht, clock, new Uint8Array(20), { port: () => 7000, found: (peers) => found.push([...peers]), warn: () => undefined });
}

describe('DhtAnnouncer', () => {
  it('looks up, hands the peers on and announces our port, then again every 15 minutes', async () => {
    const clock = new ManualClock();
    const dht = new ScriptedDht();
    dht.peers = [{ host: '10.0.0.1', port: 1 }];
    dht.takers = 8;
    const found: Endpoint[][] = [];
    announcer(dht, clock, found).start();
    await settle();
    expect([dht.lookups, dht.announces, found]).toEqual([1, [7000], [[{ host: '10.0.0.1', port: 1 }]]]);
    clock.advance(DHT_REANNOUNCE_MS - 1);
    await settle();
    expect(dht.lookups).toBe(1);
    clock.advance(1);
    await settle();
    expect(dht.lookups).toBe(2);
  });

  it('tries again soon, backing off, while nobody is found or takes the announce (a young table)', async () => {
    const clock = new ManualClock();
    const dht = new ScriptedDht();
    announcer(dht, clock, []).start();
    await settle();
    clock.advance(DHT_RETRY_MS);
    await settle();
    expect(dht.lookups).toBe(2);
    clock.advance(2 * DHT_RETRY_MS - 1);
    await settle();
    expect(dht.lookups).toBe(2);
    clock.advance(1);
    await settle();
    expect(dht.lookups).toBe(3);
  });

  it('does nothing more once stopped', async () => {
    const clock = new ManualClock();
    const dht = new ScriptedDht();
    const source = announcer(dht, clock, []);
    source.start();
    await settle();
    source.stop();
    clock.advance(DHT_REANNOUNCE_MS);
    await settle();
    expect(dht.lookups).toBe(1);
  });

  it('takes turns: with two turns, ten torrents have at most two lookups running, and each ending lets the next start', async () => {
    const clock = new ManualClock();
    let running = 0;
    let most = 0;
    const ends: (() => void)[] = [];
    class HangingDht extends ScriptedDht {
      override async *lookup(): AsyncIterable<Endpoint> {
        this.lookups++;
        running++;
        most = Math.max(most, running);
        try {
          await new Promise<void>((resolve) => ends.push(resolve));
          yield* this.peers;
        } finally {
          running--;
        }
      }
    }
    const dht = new HangingDht();
    const turns = new CheckQueue(2);
    const sources = Array.from({ length: 10 }, () => new DhtAnnouncer(dht, clock, new Uint8Array(20), { port: () => 7000, turns, found: () => undefined, warn: () => undefined }));
    for (const source of sources) source.start();
    await settle();
    expect([dht.lookups, turns.waiting]).toEqual([2, 8]);
    for (let ended = 0; ended < 10; ended++) {
      ends.shift()?.();
      await settle();
    }
    expect([dht.lookups, dht.announces.length, most, turns.running, turns.waiting]).toEqual([10, 10, 2, 0, 0]);
    for (const source of sources) source.stop();
  });

  it('a torrent stopped while waiting for its turn leaves the line', async () => {
    const clock = new ManualClock();
    const dht = new ScriptedDht();
    const turns = new CheckQueue(1);
    const release = await turns.take();
    const source = new DhtAnnouncer(dht, clock, new Uint8Array(20), { port: () => 7000, turns, found: () => undefined, warn: () => undefined });
    source.start();
    await settle();
    expect(turns.waiting).toBe(1);
    source.stop();
    await settle();
    release();
    await settle();
    expect([turns.waiting, turns.running, dht.lookups]).toEqual([0, 0, 0]);
  });
});
