// PieceStore's one timer (periodic resume saves) comes from an injected clock, so tests drive it by
// hand. Storage sits on the tracker's layer and cannot import its Clock; this is the structural
// part of it that storage needs, so the engine passes its own clock unchanged.

export interface IntervalTimers {
  /** Calls `callback` every `ms` until the returned function is called; must not keep the process alive. */
  setInterval(callback: () => void, ms: number): () => void;
}

/** Node keeps delays in a signed 32-bit int; a longer interval would fire every millisecond. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** One Node interval per period, shared by every callback of that period. */
interface Group {
  readonly handle: ReturnType<typeof setInterval>;
  readonly callbacks: Set<() => void>;
}

const groups = new Map<number, Group>();

/**
 * Node timers, one per distinct period however many stores use it: a session of 10,000 torrents
 * runs one resume-save interval, not 10,000 (each a Timeout object and a timer-list entry). A store
 * joining a running group first fires within one period instead of exactly one period after it opened.
 */
export const systemIntervals: IntervalTimers = {
  setInterval(callback, ms) {
    // Saving every 24.8 days instead of every 30 is harmless; firing every millisecond is not.
    const period = Math.min(Math.max(1, ms), MAX_INTERVAL_MS);
    let group = groups.get(period);
    if (group === undefined) {
      const callbacks = new Set<() => void>();
      const handle = setInterval(() => {
        for (const each of [...callbacks]) each();
      }, period);
      handle.unref();
      group = { handle, callbacks };
      groups.set(period, group);
    }
    // Wrapped, so one callback given twice is two entries, as with two Node intervals.
    const entry = (): void => callback();
    const joined = group;
    joined.callbacks.add(entry);
    return () => {
      if (!joined.callbacks.delete(entry) || joined.callbacks.size > 0) return;
      clearInterval(joined.handle);
      if (groups.get(period) === joined) groups.delete(period);
    };
  },
};
