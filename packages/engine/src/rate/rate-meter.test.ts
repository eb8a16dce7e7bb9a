import { describe, expect, it } from '@jest/globals';
import { RateMeter } from './rate-meter.js';

function manualClock(start = 50_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('RateMeter', () => {
  it('reads a steady transfer as its rate', () => {
    const clock = manualClock();
    const meter = new RateMeter({ now: clock.now });
    for (let tick = 0; tick < 100; tick++) {
      clock.advance(100);
      meter.add(10_000);
    }
    // Off by at most about one add (10,000 B over the 4.5 s the window covers): its edge cuts between adds.
    expect(Math.abs(meter.rate() - 100_000)).toBeLessThan(2_500);
    expect(meter.total).toBe(1_000_000);
  });

  it('averages over the time since creation while younger than the window', () => {
    const clock = manualClock();
    const meter = new RateMeter({ now: clock.now, windowMs: 10_000, slotMs: 1_000 });
    meter.add(3_000);
    clock.advance(2_000);
    expect(meter.rate()).toBe(1_500);
  });

  it('does not read the first block as a spike', () => {
    const clock = manualClock();
    const meter = new RateMeter({ now: clock.now, slotMs: 500 });
    meter.add(16_384);
    clock.advance(1);
    expect(meter.rate()).toBe(32_768);
  });

  it('forgets bytes that left the window', () => {
    const clock = manualClock();
    const meter = new RateMeter({ now: clock.now, windowMs: 2_000, slotMs: 500 });
    meter.add(100_000);
    clock.advance(1_000);
    expect(meter.rate()).toBe(100_000);
    clock.advance(2_000);
    expect(meter.rate()).toBe(0);
    clock.advance(60_000);
    meter.add(750);
    clock.advance(500);
    expect(meter.rate()).toBe(500);
    expect(meter.total).toBe(100_750);
  });

  it('rejects a window shorter than a slot and negative byte counts', () => {
    const clock = manualClock();
    expect(() => new RateMeter({ now: clock.now, windowMs: 100, slotMs: 500 })).toThrow(RangeError);
    expect(() => new RateMeter({ now: clock.now }).add(-1)).toThrow(RangeError);
  });
});
