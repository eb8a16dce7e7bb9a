import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from '../rate/rate-limiter.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ReadThrottle, type Throttled } from './read-throttle.js';

function peer(): Throttled & { paused: boolean } {
  const p = {
    paused: false,
    conn: {
      closed: false,
      pauseReading: () => (p.paused = true),
      resumeReading: () => (p.paused = false),
    },
  };
  return p;
}

describe('ReadThrottle', () => {
  it('lets everything through without a limit', () => {
    const clock = new ManualClock();
    const throttle = new ReadThrottle(new RateLimiter({ now: () => clock.now() }), clock);
    const p = peer();
    throttle.charge(p, 10_000_000);
    expect([throttle.debtOf(p), p.paused]).toEqual([0, false]);
  });

  it('stops reading a peer that went over the budget until the debt is paid at the limit rate', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ now: () => clock.now(), bytesPerSecond: 100_000 });
    const throttle = new ReadThrottle(limiter, clock);
    const p = peer();
    // The bucket starts with one second's worth: 100,000 of these 150,000 bytes are granted.
    throttle.charge(p, 150_000);
    expect([throttle.debtOf(p), p.paused]).toEqual([50_000, true]);
    clock.advance(400);
    expect(p.paused).toBe(true);
    clock.advance(200);
    expect([throttle.debtOf(p), p.paused]).toEqual([0, false]);
  });

  it('pays peers in turn so one debtor does not starve the others', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ now: () => clock.now(), bytesPerSecond: 32 * 1024, burst: 16 * 1024 });
    const throttle = new ReadThrottle(limiter, clock);
    const a = peer();
    const b = peer();
    throttle.charge(a, 16 * 1024 + 64 * 1024);
    throttle.charge(b, 16 * 1024);
    expect(throttle.debtOf(a)).toBe(64 * 1024);
    expect(throttle.debtOf(b)).toBe(16 * 1024);
    // 0.5 s: a slice of 16 KiB goes to a, first in line, which then goes to the back of it.
    clock.advance(500);
    expect(throttle.debtOf(a)).toBe(48 * 1024);
    expect(b.paused).toBe(true);
    // 1 s: b's turn; its whole debt was one slice, so it reads again although a still owes.
    clock.advance(500);
    expect([throttle.debtOf(b), b.paused]).toEqual([0, false]);
    expect([throttle.debtOf(a), a.paused]).toEqual([48 * 1024, true]);
  });
});
