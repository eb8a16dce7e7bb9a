import { describe, expect, it } from '@jest/globals';
import { LimiterChain, MIN_DEFAULT_BURST, RateLimiter } from './rate-limiter.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('RateLimiter', () => {
  it('grants everything when no rate is set', () => {
    const clock = manualClock();
    for (const bytesPerSecond of [undefined, 0]) {
      const limiter = new RateLimiter({ bytesPerSecond, now: clock.now });
      expect(limiter.unlimited).toBe(true);
      expect(limiter.take(10_000_000)).toBe(10_000_000);
      expect(limiter.waitTime(10_000_000)).toBe(0);
      expect(limiter.available()).toBe(Number.POSITIVE_INFINITY);
    }
  });

  it('starts with a full burst, then grants at the rate', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ bytesPerSecond: 100_000, burst: 50_000, now: clock.now });
    expect(limiter.take(80_000)).toBe(50_000);
    expect(limiter.take(1)).toBe(0);
    clock.advance(100);
    expect(limiter.take(80_000)).toBe(10_000);
    clock.advance(10_000);
    expect(limiter.available()).toBe(50_000);
  });

  it('says how long until a take would be granted whole', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ bytesPerSecond: 1_000, burst: 2_000, now: clock.now });
    limiter.take(2_000);
    expect(limiter.waitTime(500)).toBe(500);
    expect(limiter.waitTime(0)).toBe(0);
    // More than the burst can never come at once: wait for a full bucket and send it in parts.
    expect(limiter.waitTime(10_000)).toBe(2_000);
    clock.advance(500);
    expect(limiter.waitTime(500)).toBe(0);
    expect(limiter.take(500)).toBe(500);
  });

  it('defaults the burst to a second of traffic, and at least one block', () => {
    const clock = manualClock();
    expect(new RateLimiter({ bytesPerSecond: 1_000_000, now: clock.now }).available()).toBe(1_000_000);
    expect(new RateLimiter({ bytesPerSecond: 1_000, now: clock.now }).available()).toBe(MIN_DEFAULT_BURST);
  });

  it('applies a lower rate at once and keeps saved tokens under the new burst', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ bytesPerSecond: 100_000, now: clock.now });
    limiter.setRate(20_000);
    expect(limiter.available()).toBe(20_000);
    limiter.setRate(0);
    expect(limiter.take(1_000_000)).toBe(1_000_000);
    limiter.setRate(30_000);
    expect(limiter.available()).toBe(30_000);
  });

  it('grants nothing extra when the clock steps back', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ bytesPerSecond: 1_000, burst: 1_000, now: clock.now });
    limiter.take(1_000);
    clock.advance(-5_000);
    expect(limiter.available()).toBe(0);
    clock.advance(5_500);
    expect(limiter.available()).toBe(500);
  });

  it('rejects negative or fractional amounts and rates', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ bytesPerSecond: 1_000, now: clock.now });
    expect(() => limiter.take(-1)).toThrow(RangeError);
    expect(() => limiter.take(1.5)).toThrow(RangeError);
    expect(() => limiter.setRate(-1)).toThrow(RangeError);
    expect(() => limiter.setRate(1_000, 0)).toThrow(RangeError);
  });
});

describe('LimiterChain', () => {
  it('grants what the tightest member allows and charges every member', () => {
    const clock = manualClock();
    const torrent = new RateLimiter({ bytesPerSecond: 10_000, burst: 10_000, now: clock.now });
    const global = new RateLimiter({ bytesPerSecond: 50_000, burst: 50_000, now: clock.now });
    const chain = new LimiterChain([torrent, global]);
    expect(chain.take(30_000)).toBe(10_000);
    expect(global.available()).toBe(40_000);
    expect(chain.waitTime(5_000)).toBe(500);
  });

  it('shares a global limit between torrents', () => {
    const clock = manualClock();
    const global = new RateLimiter({ bytesPerSecond: 20_000, burst: 20_000, now: clock.now });
    const one = new LimiterChain([new RateLimiter({ now: clock.now }), global]);
    const two = new LimiterChain([new RateLimiter({ bytesPerSecond: 50_000, now: clock.now }), global]);
    expect(one.take(18_000)).toBe(18_000);
    expect(two.take(5_000)).toBe(2_000);
    // The torrent's own bucket is nearly full; the global one needs 5,000 bytes at 20,000 B/s.
    expect(two.waitTime(5_000)).toBe(250);
  });

  it('nests, and grants everything when every member is unlimited', () => {
    const clock = manualClock();
    const inner = new LimiterChain([new RateLimiter({ now: clock.now })]);
    const outer = new LimiterChain([inner, new RateLimiter({ now: clock.now })]);
    expect(outer.take(123_456)).toBe(123_456);
    expect(outer.waitTime(123_456)).toBe(0);
  });
});
