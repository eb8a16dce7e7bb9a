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
