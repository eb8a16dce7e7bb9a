import { describe, expect, it } from '@jest/globals';
import { INITIAL_RTO_MS, MAX_RTO_MS, MIN_RTO_MS, RttEstimator } from './rtt.js';

describe('RTT and RTO (BEP 29)', () => {
  it('starts at 1000 ms before any sample', () => {
    expect(new RttEstimator().rto).toBe(INITIAL_RTO_MS);
  });

  it('follows rtt += (sample - rtt) / 8 and rtt_var += (|rtt - sample| - rtt_var) / 4', () => {
    const e = new RttEstimator();
    e.sample(400);
    expect(e.rtt).toBe(400);
    expect(e.rttVar).toBe(200);
    e.sample(800);
    expect(e.rttVar).toBe(200 + (400 - 200) / 4);
    expect(e.rtt).toBe(450);
    expect(e.rto).toBe(450 + 4 * 250);
  });

  it('never goes below 500 ms', () => {
    const e = new RttEstimator();
    for (let i = 0; i < 50; i++) e.sample(1);
    expect(e.rto).toBe(MIN_RTO_MS);
  });

  it('doubles on each timeout up to a ceiling, and a fresh sample ends the back-off', () => {
    const e = new RttEstimator();
    e.sample(10);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      e.backOff();
      seen.push(e.rto);
    }
    expect(seen.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.max(...seen)).toBe(MAX_RTO_MS);
    e.sample(10);
    expect(e.rto).toBe(MIN_RTO_MS);
  });
});
