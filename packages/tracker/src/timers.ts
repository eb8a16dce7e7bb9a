// Time as a dependency: the UDP client and the announcer take `Timers`, the engine a `Clock` (the same
// plus intervals), so tests drive the clock by hand instead of waiting and nothing asserts on
// wall-clock durations. This is the one clock type of the repo: the engine re-exports it, and
// storage takes a structural subset (it sits on this layer and cannot import the tracker).

/** Cancels a scheduled callback; calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;

export interface Timers {
  /** Milliseconds on a monotonic clock; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Cancel;
}

export interface Clock extends Timers {
  /** Repeats every `ms`; the timer never keeps the process alive on its own. */
  setInterval(callback: () => void, ms: number): Cancel;
}

/**
 * Node holds timer delays in a signed 32-bit int: anything above 2^31 - 1 ms (about 24.8 days) fires
 * after 1 ms instead. Trackers choose the announce interval, so a tracker asking for 30 days would
 * otherwise be re-announced to every millisecond; longer waits are made of several shorter timers.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The host's raw timers, as `guardedClock` needs them (injectable so the guard is testable). */
export interface HostTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Marks a handle as not keeping the process alive (Node's `unref`); a no-op elsewhere. */
  unref(handle: unknown): void;
}

/** A Clock over `host` whose delays and intervals may exceed MAX_TIMER_MS. */
export function guardedClock(host: HostTimers): Clock {
  // Every wait is a chain of host timeouts of at most MAX_TIMER_MS; `handle` is the current link.
  const wait = (ms: number, callback: () => void, unref: boolean): { cancel: Cancel } => {
    let handle: unknown;
    let cancelled = false;
    const arm = (remaining: number): void => {
      handle = remaining > MAX_TIMER_MS
        ? host.setTimeout(() => arm(remaining - MAX_TIMER_MS), MAX_TIMER_MS)
        : host.setTimeout(() => {
          if (!cancelled) callback();
        }, remaining);
      if (unref) host.unref(handle);
    };
    arm(Math.max(0, ms));
    return {
      cancel: () => {
        cancelled = true;
        host.clearTimeout(handle);
      },
    };
  };
  return {
    now: () => host.now(),
    setTimeout: (callback, ms) => wait(ms, callback, false).cancel,
    setInterval(callback, ms) {
      const every = Math.max(1, ms);
      let current: { cancel: Cancel } | undefined;
      let stopped = false;
      const tick = (): void => {
        current = wait(every, () => {
          if (stopped) return;
          tick(); // rearm first, so a callback that throws does not end the interval
          callback();
        }, true);
      };
      tick();
      return () => {
        stopped = true;
        current?.cancel();
      };
    },
  };
}

const nodeTimers: HostTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  unref: (handle) => (handle as { unref?: () => void }).unref?.(),
};

/** The process's clock (performance.now and Node timers), guarded against delays over 2^31 ms. */
export const systemClock: Clock = guardedClock(nodeTimers);

/** The same clock, for callers that only need `Timers`. */
export const systemTimers: Timers = systemClock;
