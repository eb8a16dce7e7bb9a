// Time as a dependency: the engine reads the time and schedules work only through a Clock, so tests
// can drive it by hand and nothing depends on wall-clock durations. The shape is a superset of the
// tracker package's `Timers`, so the same clock drives the announcer.

/** Cancels a scheduled callback; calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;

export interface Clock {
  /** Milliseconds on a monotonic clock; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Cancel;
  /** Repeats every `ms`; the timer never keeps the process alive on its own. */
  setInterval(callback: () => void, ms: number): Cancel;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
  setInterval(callback, ms) {
    const handle = setInterval(callback, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};
