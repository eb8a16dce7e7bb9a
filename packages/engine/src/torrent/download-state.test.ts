import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../testing/manual-clock.js';
import { DownloadState } from './download-state.js';

const options = { min: 2, max: 8, requestTimeoutMs: 1000, snubTimeoutMs: 5000 };

describe('DownloadState', () => {
  it('forgives a late block of a request it gave up on exactly once', () => {
    const state = new DownloadState(new ManualClock(), options);
    state.giveUp(17);
    expect(state.forgive(17)).toBe(true);
    expect(state.forgive(17)).toBe(false);
    expect(state.forgive(18)).toBe(false);
  });

  it('forgives as many late blocks as times it gave the request up (asked again, timed out again)', () => {
    const state = new DownloadState(new ManualClock(), options);
    state.giveUp(17);
    state.giveUp(17);
    expect(state.forgive(17)).toBe(true);
    expect(state.forgive(17)).toBe(true);
    expect(state.forgive(17)).toBe(false);
  });

  it('remembers the latest 4096 given-up requests and forgets the oldest past that', () => {
    const state = new DownloadState(new ManualClock(), options);
    for (let block = 0; block <= 4096; block++) state.giveUp(block);
    expect(state.forgive(0)).toBe(false);
    expect(state.forgive(1)).toBe(true);
    expect(state.forgive(4096)).toBe(true);
  });

  it('times its requests by the clock it was given', () => {
    const clock = new ManualClock();
    const state = new DownloadState(clock, options);
    state.requests.add(0, 0, 16384);
    expect(state.requests.expired()).toEqual([]);
    clock.advance(1001);
    expect(state.requests.expired().map((r) => r.piece)).toEqual([0]);
  });
});
