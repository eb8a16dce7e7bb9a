// The session's one tick: a single interval for all members, only while there are any.
import { expect, it } from '@jest/globals';
import type { Cancel, Clock } from '../clock.js';
import { ManualClock } from '../testing/manual-clock.js';
import { TickGroup } from './tick-group.js';

/** A ManualClock that counts the intervals it was asked for and how many are live. */
class CountingClock extends ManualClock {
  started = 0;
  live = 0;

  override setInterval(callback: () => void, ms: number): Cancel {
    this.started++;
    this.live++;
    const cancel = super.setInterval(callback, ms);
    return () => {
      this.live--;
      cancel();
    };
  }
}

function member(log: string[], name: string): { tick(now: number): void } {
  return { tick: (now) => log.push(`${name}@${now}`) };
}

it('ticks every member from one interval, at the same time', () => {
  const clock = new CountingClock();
  const group = new TickGroup(clock, 1000);
  const log: string[] = [];
  for (let i = 0; i < 100; i++) group.add(member(log, `t${i}`));
  clock.advance(2000);
  expect(clock.started).toBe(1);
  expect(log).toHaveLength(200);
  expect(new Set(log.map((entry) => entry.split('@')[1]))).toEqual(new Set(['2000', '3000']));
});

it('stops its interval when the last member leaves and starts one again for the next', () => {
  const clock = new CountingClock();
  const group = new TickGroup(clock, 1000);
  const log: string[] = [];
  const a = member(log, 'a');
  group.add(a);
  group.add(a); // twice is once
  clock.advance(1000);
  group.remove(a);
  expect(clock.live).toBe(0);
  clock.advance(5000);
  expect(log).toEqual(['a@2000']);
  group.add(member(log, 'b'));
  clock.advance(1000);
  expect(log).toEqual(['a@2000', 'b@8000']);
  expect(group.size).toBe(1);
});

it('a member that throws does not keep the others from their tick; the error still surfaces', () => {
  const clock: Clock = new ManualClock();
  const group = new TickGroup(clock, 1000);
  const log: string[] = [];
  group.add({ tick: () => { throw new Error('boom'); } });
  group.add(member(log, 'after'));
  expect(() => (clock as ManualClock).advance(1000)).toThrow('boom');
  expect(log).toEqual(['after@2000']);
});

it('a member that leaves during a tick (a torrent stopping) is not ticked again', () => {
  const clock = new ManualClock();
  const group = new TickGroup(clock, 1000);
  const log: string[] = [];
  const b = member(log, 'b');
  group.add({ tick: () => group.remove(b) });
  group.add(b);
  clock.advance(3000);
  expect(log).toEqual([]);
});
