import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { INTERVAL_TURNS, systemIntervals } from './interval-timers.js';

describe('systemIntervals: one Node timer per period, shared, its callbacks spread over the period', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs every callback once a period on one timer per period, never sooner than a period after it joined', () => {
    const calls: string[] = [];
    const stopA = systemIntervals.setInterval(() => calls.push('a'), 1600);
    const stopB = systemIntervals.setInterval(() => calls.push('b'), 1600);
    const stopC = systemIntervals.setInterval(() => calls.push('c'), 800);
    expect(jest.getTimerCount()).toBe(2);
    stopC();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(1600);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1600);
    expect(calls).toEqual(['a', 'b']);
    stopA();
    stopA(); // twice is harmless
    jest.advanceTimersByTime(1600);
    expect(calls).toEqual(['a', 'b', 'b']);
    stopB();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('spreads many callbacks of one period evenly over its turns instead of running them together', () => {
    let ran = 0;
    const stops = Array.from({ length: 10 * INTERVAL_TURNS }, () => systemIntervals.setInterval(() => ran++, 1600));
    jest.advanceTimersByTime(1600); // the first period: only the last turn comes round a full period after joining
    expect(ran).toBe(10);
    const counts: number[] = [];
    for (let turn = 0; turn < INTERVAL_TURNS; turn++) {
      ran = 0;
      jest.advanceTimersByTime(1600 / INTERVAL_TURNS);
      counts.push(ran);
    }
    expect(counts).toEqual(new Array<number>(INTERVAL_TURNS).fill(10));
    for (const stop of stops) stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('calls a callback given twice twice, and a period started again after all stopped still runs', () => {
    let count = 0;
    const callback = (): void => {
      count++;
    };
    const stop1 = systemIntervals.setInterval(callback, 320);
    const stop2 = systemIntervals.setInterval(callback, 320);
    jest.advanceTimersByTime(2 * 320);
    expect(count).toBe(2);
    stop1();
    stop2();
    const stop3 = systemIntervals.setInterval(callback, 320);
    jest.advanceTimersByTime(2 * 320);
    expect(count).toBe(3);
    stop3();
    expect(jest.getTimerCount()).toBe(0);
  });
});
