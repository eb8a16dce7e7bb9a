import { describe, expect, it } from '@jest/globals';
import { Sim } from './testing/sim.js';
import { testData, transfer } from './testing/transfer.js';

describe('transfers over a simulated link', () => {
  it('a clean link delivers 1 MB byte-exact and both sides close', () => {
    const sim = new Sim(1, { delayMs: 10 });
    const data = testData(1024 * 1024);
    const result = transfer(sim, data);
    expect(result.done).toBe(true);
    expect(result.received.length).toBe(data.length);
    expect(Buffer.compare(result.received, data)).toBe(0);
  });
});

describe('lossy, reordering, duplicating links', () => {
  const cases: [string, number, { loss?: number; duplicate?: number; jitterMs?: number; delayMs?: number }][] = [
    ['1% loss', 2, { loss: 0.01, delayMs: 20 }],
    ['5% loss', 3, { loss: 0.05, delayMs: 20 }],
    ['10% loss', 4, { loss: 0.1, delayMs: 20 }],
    ['reordering (jitter larger than the packet spacing)', 5, { delayMs: 20, jitterMs: 15 }],
    ['duplication', 6, { delayMs: 5, duplicate: 0.1 }],
    ['everything at once', 7, { delayMs: 30, jitterMs: 20, loss: 0.05, duplicate: 0.05 }],
  ];
  it.each(cases)('%s: 2 MB arrive once, in order, byte-exact', (_name, seed, link) => {
    const sim = new Sim(seed, link);
    const data = testData(2 * 1024 * 1024, seed);
    const result = transfer(sim, data);
    expect(result.done).toBe(true);
    expect(result.received.length).toBe(data.length);
    expect(Buffer.compare(result.received, data)).toBe(0);
    console.log(_name, result.elapsedMs, result.client.stats, result.client.ledbat.cwnd);
  });
});
