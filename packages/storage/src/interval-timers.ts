// PieceStore's one timer (periodic resume saves) comes from an injected clock, so tests drive it by
// hand. Storage sits on the tracker's layer and cannot import its Clock; this is the structural
// part of it that storage needs, so the engine passes its own clock unchanged.

export interface IntervalTimers {
  /** Calls `callback` every `ms` until the returned function is called; must not keep the process alive. */
  setInterval(callback: () => void, ms: number): () => void;
}

/** Node keeps delays in a signed 32-bit int; a longer interval would fire every millisecond. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

export const systemIntervals: IntervalTimers = {
  setInterval(callback, ms) {
    // Saving every 24.8 days instead of every 30 is harmless; firing every millisecond is not.
    const handle = setInterval(callback, Math.min(Math.max(1, ms), MAX_INTERVAL_MS));
    handle.unref();
    return () => clearInterval(handle);
  },
};
