// Time as a dependency: the UDP client and the announcer take a `Timers` so tests can drive the
// clock by hand instead of waiting, and nothing asserts on wall-clock durations.

/** Cancels a scheduled callback; calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;

export interface Timers {
  /** Milliseconds on a monotonic-enough clock; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Cancel;
}

/**
 * Node holds timer delays in a signed 32-bit int: anything above 2^31 - 1 ms (about 24.8 days) fires
 * after 1 ms instead. Trackers choose the announce interval, so a tracker asking for 30 days would
 * otherwise be re-announced to every millisecond; longer waits are made of several shorter timers.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    let handle: ReturnType<typeof setTimeout>;
    const arm = (remaining: number): void => {
      handle = remaining > MAX_TIMER_MS
        ? setTimeout(() => arm(remaining - MAX_TIMER_MS), MAX_TIMER_MS)
        : setTimeout(callback, remaining);
    };
    arm(ms);
    return () => clearTimeout(handle);
  },
};
