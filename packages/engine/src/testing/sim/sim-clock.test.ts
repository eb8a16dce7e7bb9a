import { describe, expect, it } from '@jest/globals';
import { SimClock } from './sim-clock.js';

describe('SimClock', () => {
  it('runs due timers in time order, those due together in the order they were made, each at its own time', () => {
    const clock = new SimClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    expect(clock.runUntil(15)).toBe(1);
    expect(clock.now()).toBe(15);
    clock.runUntil(100);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(100);
  });

  it('repeats intervals, runs timers that callbacks make within the step, and skips cancelled ones', () => {
    const clock = new SimClock(0);
    const seen: number[] = [];
    const stop = clock.setInterval(() => seen.push(clock.now()), 10);
    clock.setTimeout(() => clock.setTimeout(() => seen.push(-clock.now()), 5), 12);
    const cancelled = clock.setTimeout(() => seen.push(999), 15);
    cancelled();
    clock.runUntil(30);
    stop();
    clock.runUntil(100);
    expect(seen).toEqual([10, -17, 20, 30]);
    expect(clock.nextAt()).toBeUndefined();
  });
});
