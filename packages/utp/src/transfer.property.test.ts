import { describe, expect, it } from '@jest/globals';
import { seededRandom } from './clock.js';
import { Sim, type LinkOptions } from './testing/sim.js';
import { testData, transfer } from './testing/transfer.js';

/** A random link from a seed: loss 0-10 %, duplication 0-5 %, delay 1-80 ms, jitter, maybe a bottleneck. */
function randomLink(seed: number): LinkOptions {
  const r = seededRandom(seed);
  const u = (): number => r.nextU32() / 2 ** 32;
  const link: LinkOptions = { loss: u() * 0.1, duplicate: u() * 0.05, delayMs: 1 + u() * 79, jitterMs: u() * 30 };
  if (u() < 0.5) {
    link.bytesPerMs = 200 + u() * 5000;
    link.maxQueueMs = 50 + u() * 500;
  }
  return link;
}

describe('property: any seeded link delivers every byte once and in order', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => 1000 + i);
  it.each(seeds)('seed %i', (seed) => {
    const r = seededRandom(seed * 31);
    const size = 1 + (r.nextU32() % (300 * 1024));
    const there = randomLink(seed);
    const back = randomLink(seed + 7777);
    const sim = new Sim(seed, there, back, { initialSeq: () => r.nextU32() & 0xffff });
    const data = testData(size, seed);
    const result = transfer(sim, data, { chunk: 1 + (r.nextU32() % 40_000), maxMs: 3_600_000 });
    expect(result.done).toBe(true);
    expect(result.received.length).toBe(data.length);
    expect(Buffer.compare(result.received, data)).toBe(0);
    expect(result.client.error).toBeUndefined();
    expect(result.server?.error).toBeUndefined();
  });
});
