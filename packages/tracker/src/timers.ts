// Time as a dependency: the UDP client and the announcer take a `Timers` so tests can drive the
// clock by hand instead of waiting, and nothing asserts on wall-clock durations.

/** Cancels a scheduled callback; calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;

export interface Timers {
  /** Milliseconds on a monotonic-enough clock; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Cancel;
}

export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};
