import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { systemIntervals } from './interval-timers.js';

describe('systemIntervals: one Node timer per period, shared', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs every callback of a period on one timer, until each is stopped', () => {
    const calls: string[] = [];
    const stopA = systemIntervals.setInterval(() => calls.push('a'), 1000);
    const stopB = systemIntervals.setInterval(() => calls.push('b'), 1000);
    const stopC = systemIntervals.setInterval(() => calls.push('c'), 500);
    expect(jest.getTimerCount()).toBe(2);
    jest.advanceTimersByTime(1000);
    expect(calls.sort()).toEqual(['a', 'b', 'c', 'c']);
    calls.length = 0;
    stopA();
    stopA(); // twice is harmless
    jest.advanceTimersByTime(1000);
    expect(calls.sort()).toEqual(['b', 'c', 'c']);
    stopB();
    stopC();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('calls a callback given twice twice, and a period started again after all stopped still runs', () => {
    let count = 0;
    const callback = (): void => {
      count++;
    };
    const stop1 = systemIntervals.setInterval(callback, 200);
    const stop2 = systemIntervals.setInterval(callback, 200);
    jest.advanceTimersByTime(200);
    expect(count).toBe(2);
    stop1();
    stop2();
    const stop3 = systemIntervals.setInterval(callback, 200);
    jest.advanceTimersByTime(200);
    expect(count).toBe(3);
    stop3();
    expect(jest.getTimerCount()).toBe(0);
  });
});
