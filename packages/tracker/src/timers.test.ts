import { afterEach, describe, expect, test } from '@jest/globals';
import { Announcer } from './announcer/announcer.js';
import { keepOrder } from './testing/random.js';
import { ScriptedTransport } from './testing/scripted-transport.js';
import { guardedClock, MAX_TIMER_MS, systemTimers, type Cancel, type HostTimers } from './timers.js';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const cancels: Cancel[] = [];
afterEach(() => {
  for (const cancel of cancels.splice(0)) cancel();
});

/** Host timers that record what was asked of them; `fire` runs the pending timer with the shortest delay. */
class RecordingHost implements HostTimers {
  readonly pending = new Map<number, { ms: number; callback: () => void }>();
  readonly unrefed = new Set<number>();
  #next = 0;
  now(): number {
    return 0;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.pending.set(handle, { ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  unref(handle: unknown): void {
    this.unrefed.add(handle as number);
  }
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  fire(): void {
    const [handle, timer] = [...this.pending].sort((a, b) => a[1].ms - b[1].ms)[0]!;
    this.pending.delete(handle);
    timer.callback();
  }
}

describe('guardedClock (the clock behind systemClock and the engine)', () => {
  test('a delay beyond what Node can hold (2^31 - 1 ms, about 24.8 days) is made of shorter timers', () => {
    const host = new RecordingHost();
    let fired = 0;
    guardedClock(host).setTimeout(() => fired++, 2 * MAX_TIMER_MS + 5);
    expect(host.delays()).toEqual([MAX_TIMER_MS]);
    host.fire();
    expect(host.delays()).toEqual([MAX_TIMER_MS]);
    host.fire();
    expect(host.delays()).toEqual([5]);
    expect(fired).toBe(0);
    host.fire();
    expect(fired).toBe(1);
  });

  test('cancelling a long wait part-way clears the pending link', () => {
    const host = new RecordingHost();
    let fired = 0;
    const cancel = guardedClock(host).setTimeout(() => fired++, MAX_TIMER_MS + 1);
    host.fire();
    cancel();
    expect(host.delays()).toEqual([]);
    expect(fired).toBe(0);
  });

  test('an interval repeats, each link unref-ed, and stops when cancelled', () => {
    const host = new RecordingHost();
    let fired = 0;
    const cancel = guardedClock(host).setInterval(() => fired++, 1000);
    host.fire();
    host.fire();
    expect(fired).toBe(2);
    expect(host.delays()).toEqual([1000]);
    expect(host.unrefed.size).toBe(3);
    cancel();
    expect(host.delays()).toEqual([]);
  });

  test('an interval longer than 2^31 ms waits its whole period', () => {
    const host = new RecordingHost();
    let fired = 0;
    guardedClock(host).setInterval(() => fired++, MAX_TIMER_MS + 10);
    host.fire();
    expect(fired).toBe(0);
    expect(host.delays()).toEqual([10]);
    host.fire();
    expect(fired).toBe(1);
  });

  test('an interval whose callback throws keeps running', () => {
    const host = new RecordingHost();
    guardedClock(host).setInterval(() => {
      throw new Error('boom');
    }, 10);
    expect(() => host.fire()).toThrow('boom');
    expect(host.delays()).toEqual([10]);
  });
});

describe('systemTimers', () => {
  test('ordinary delays still fire, and cancelling prevents the callback', async () => {
    const fired: string[] = [];
    await new Promise<void>((resolve) => {
      const cancel = systemTimers.setTimeout(() => fired.push('cancelled'), 0);
      cancel();
      systemTimers.setTimeout(() => {
        fired.push('short');
        resolve();
      }, 1);
    });
    expect(fired).toEqual(['short']);
  });
});

describe('Announcer on the system clock', () => {
  test('a tracker asking for an enormous interval is not re-announced to in a tight loop', async () => {
    // 30 days in seconds: times 1000 it is past Node's timer limit, which Node turns into 1 ms.
    const transport = new ScriptedTransport({ ok: true, interval: 30 * 86_400, peers: [] });
    const announcer = new Announcer({
      infoHash: new Uint8Array(20).fill(1),
      peerId: new Uint8Array(20).fill(2),
      port: 6881,
      tiers: [['http://a.example/announce']],
      stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }),
      httpClient: transport,
      udpClient: transport,
      random: keepOrder,
    });
    announcer.start();
    await wait(100);
    await announcer.stop({ timeoutMs: 1000 });
    expect(transport.events()).toEqual(['http://a.example/announce started', 'http://a.example/announce stopped']);
  });
});
