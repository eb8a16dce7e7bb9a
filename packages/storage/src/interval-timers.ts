// PieceStore's one timer (periodic resume saves) comes from an injected clock, so tests drive it by
// hand. Storage sits on the tracker's layer and cannot import its Clock; this is the structural
// part of it that storage needs, so the engine passes its own clock unchanged.

export interface IntervalTimers {
  /** Calls `callback` every `ms` until the returned function is called; must not keep the process alive. */
  setInterval(callback: () => void, ms: number): () => void;
}

/** Node keeps delays in a signed 32-bit int; a longer interval would fire every millisecond. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** Each period is cut into this many turns; a callback runs on one turn of each period. */
export const INTERVAL_TURNS = 16;

/** One Node interval per period, shared by every callback of that period, spread over its turns. */
interface Group {
  readonly handle: ReturnType<typeof setInterval>;
  /** Callbacks by turn, each with the first tick it may run on (a whole period after it joined). */
  readonly turns: Map<() => void, number>[];
  /** Ticks so far. */
  ticks: number;
  /** Callbacks in all turns. */
  size: number;
  /** The turn the next callback joins (round robin, so turns stay even). */
  nextJoin: number;
  /** The turn the next tick runs. */
  nextRun: number;
}

const groups = new Map<number, Group>();

/**
 * Node timers, one per distinct period however many stores use it: a session of 10,000 torrents
 * runs one resume-save interval, not 10,000 (each a Timeout object and a timer-list entry). The
 * interval ticks INTERVAL_TURNS times a period and runs one turn's callbacks each time, so the saves
 * of thousands of stores opened at once are spread over the period (each save may open and fsync
 * the store's files: 1,000 at the same moment held 1,000 descriptors) rather than all run together.
 * Each callback runs once a period (the period rounded down to a whole number of turns), the first
 * time between one and two periods after it joined (never sooner than a timer of its own would).
 */
export const systemIntervals: IntervalTimers = {
  setInterval(callback, ms) {
    // Saving every 24.8 days instead of every 30 is harmless; firing every millisecond is not.
    const period = Math.min(Math.max(1, ms), MAX_INTERVAL_MS);
    let group = groups.get(period);
    if (group === undefined) {
      const turns = Array.from({ length: INTERVAL_TURNS }, () => new Map<() => void, number>());
      const handle = setInterval(() => {
        const current = groups.get(period);
        if (current === undefined) return;
        const tick = ++current.ticks;
        const turn = current.turns[current.nextRun]!;
        current.nextRun = (current.nextRun + 1) % INTERVAL_TURNS;
        // No copy of the turn (10,000 stores made ~100 KB/s of garbage here): one joining meanwhile
        // waits a period (its first tick is ahead), one leaving meanwhile is not called.
        turn.forEach((first, each) => {
          if (tick >= first) each();
        });
      }, Math.max(1, Math.floor(period / INTERVAL_TURNS)));
      handle.unref();
      group = { handle, turns, ticks: 0, size: 0, nextJoin: 0, nextRun: 0 };
      groups.set(period, group);
    }
    // Wrapped, so one callback given twice is two entries, as with two Node intervals.
    const entry = (): void => callback();
    const joined = group;
    const turn = joined.turns[joined.nextJoin]!;
    joined.nextJoin = (joined.nextJoin + 1) % INTERVAL_TURNS;
    turn.set(entry, joined.ticks + INTERVAL_TURNS);
    joined.size++;
    return () => {
      if (!turn.delete(entry)) return;
      joined.size--;
      if (joined.size > 0) return;
      clearInterval(joined.handle);
      if (groups.get(period) === joined) groups.delete(period);
    };
  },
};
