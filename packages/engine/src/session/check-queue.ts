// The session's check queue: hashing data already on disk reads every byte of it, so checks of many
// torrents at once would fight over the disk (and memory) and each would finish later than one at a
// time. A torrent waits here only when it has pieces to hash; resume data that vouches for everything
// skips the queue, so a restart of many torrents is not serialized.
import { EngineError } from '../errors.js';
import type { CheckSlots } from '../torrent/services.js';

/** Torrents hashing at once by default (qBittorrent and libtorrent also check one at a time). */
export const DEFAULT_MAX_CHECKING = 1;

/**
 * Torrents closing their data at once (services.dataCloses): each may fsync its files and write its
 * resume record, so `session.close()` of 10,000 torrents took minutes of system time all at once.
 * The same bound as the periodic resume saves (storage's `autosaves` gate). Peers and trackers are
 * let go in parallel: only the data waits its turn, so a tracker that never answers costs no turns.
 */
export const DATA_CLOSES_AT_ONCE = 16;

interface Waiter {
  readonly grant: (release: () => void) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

export class CheckQueue implements CheckSlots {
  #running = 0;
  /** First come, first served. */
  readonly #waiting: Waiter[] = [];

  constructor(readonly maxChecking: number = DEFAULT_MAX_CHECKING) {
    if (!Number.isInteger(maxChecking) || maxChecking < 1) throw new EngineError('INVALID_ARGUMENT', `maxChecking must be at least 1, got ${maxChecking}`);
  }

  /** Checks in progress. */
  get running(): number {
    return this.#running;
  }

  /** Checks waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Resolves with the release of a slot once one is free (call it when the check ends, however it
   * ends; a second call does nothing). Rejects with the signal's reason when it fires first.
   */
  async take(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#running < this.maxChecking) return this.#grant();
    return await new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        signal,
        onAbort: () => {
          const index = this.#waiting.indexOf(waiter);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(signal?.reason);
        },
      };
      this.#waiting.push(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  #grant(): () => void {
    this.#running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#next();
    };
  }

  #next(): void {
    while (this.#running < this.maxChecking) {
      const waiter = this.#waiting.shift();
      if (waiter === undefined) return;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.grant(this.#grant());
    }
  }
}
