import { describe, expect, it } from '@jest/globals';
import { MseRateLimiter } from './rate-limiter.js';

describe('MseRateLimiter', () => {
  it('lets a burst through, then one attempt per earned token', () => {
    const limiter = new MseRateLimiter({ burst: 3, perSecond: 2 });
    expect([1, 2, 3, 4].map(() => limiter.tryAcquire('10.0.0.1', 0))).toEqual([true, true, true, false]);
    expect(limiter.tryAcquire('10.0.0.1', 499)).toBe(false);
    expect(limiter.tryAcquire('10.0.0.1', 500)).toBe(true);
    expect(limiter.tryAcquire('10.0.0.1', 500)).toBe(false);
  });

  it('keeps each address to its own budget', () => {
    const limiter = new MseRateLimiter({ burst: 1, perSecond: 1 });
    expect(limiter.tryAcquire('a', 0)).toBe(true);
    expect(limiter.tryAcquire('a', 0)).toBe(false);
    expect(limiter.tryAcquire('b', 0)).toBe(true);
  });

  it('refills no further than the burst after a long quiet time', () => {
    const limiter = new MseRateLimiter({ burst: 2, perSecond: 10 });
    limiter.tryAcquire('a', 0);
    limiter.tryAcquire('a', 0);
    const later = [1, 2, 3].map(() => limiter.tryAcquire('a', 3_600_000));
    expect(later).toEqual([true, true, false]);
  });

  it('earns nothing when the clock steps backwards', () => {
    const limiter = new MseRateLimiter({ burst: 1, perSecond: 1 });
    limiter.tryAcquire('a', 10_000);
    expect(limiter.tryAcquire('a', 0)).toBe(false);
    expect(limiter.tryAcquire('a', 10_999)).toBe(false);
    expect(limiter.tryAcquire('a', 11_000)).toBe(true);
  });

  it('remembers a bounded number of addresses, forgetting the least recently seen', () => {
    const limiter = new MseRateLimiter({ burst: 1, perSecond: 0.001, maxAddresses: 2 });
    limiter.tryAcquire('a', 0);
    limiter.tryAcquire('b', 0);
    limiter.tryAcquire('a', 0); // a is now the most recent
    limiter.tryAcquire('c', 0); // evicts b
    expect(limiter.size).toBe(2);
    expect(limiter.tryAcquire('a', 0)).toBe(false); // still remembered: no budget
    expect(limiter.tryAcquire('b', 0)).toBe(true); // forgotten: a fresh budget
  });

  it('refuses nonsense options with an MseError', () => {
    expect(() => new MseRateLimiter({ burst: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => new MseRateLimiter({ perSecond: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
