// The session's pace for tracker announces (issue 17): a session restarted with 1,000 torrents would
// otherwise send 1,000 announces in the same instant, to what is often one tracker. At most
// `perSecond` rounds start in any 1,000 ms: a lone torrent announces at once, the others wait their
// turn, first come first served. Re-announce waits get a jitter so torrents started together drift
// apart instead of re-announcing in lock-step for ever.
import type { Cancel, Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import type { AnnouncePacing } from '../torrent/announce-pacing.js';

/** Announce rounds started in any second by default. */
export const DEFAULT_ANNOUNCES_PER_SECOND = 20;
/** Up to 10% off each re-announce wait, at random. */
export const ANNOUNCE_JITTER = 0.1;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

export interface AnnouncePacerOptions {
  readonly clock: Clock;
  /** Rounds per second; Infinity: no pacing. */
  readonly perSecond?: number;
  readonly jitter?: number;
  readonly random?: () => number;
}

export class AnnouncePacer implements AnnouncePacing {
  readonly jitter: number;
  readonly random: () => number;
  readonly #clock: Clock;
  readonly #perSecond: number;
  /** When the rounds of the last 1,000 ms started, oldest first (at most `#perSecond`). */
  readonly #starts: number[] = [];
  readonly #waiting: Waiter[] = [];
  #timer: Cancel | undefined;

  constructor(options: AnnouncePacerOptions) {
    const perSecond = options.perSecond ?? DEFAULT_ANNOUNCES_PER_SECOND;
    if (!(perSecond === Number.POSITIVE_INFINITY || (Number.isInteger(perSecond) && perSecond >= 1))) {
      throw new EngineError('INVALID_ARGUMENT', `announces per second must be a whole number of at least 1 or Infinity, got ${perSecond}`);
    }
    const jitter = options.jitter ?? ANNOUNCE_JITTER;
    if (!(jitter >= 0 && jitter < 1)) throw new EngineError('INVALID_ARGUMENT', `the announce jitter must be in [0, 1), got ${jitter}`);
    this.#clock = options.clock;
    this.#perSecond = perSecond;
    this.jitter = jitter;
    this.random = options.random ?? Math.random;
  }

  /** Rounds waiting for their turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  async turn(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#waiting.length === 0 && this.#take()) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#waiting.indexOf(waiter);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(signal.reason);
        },
      };
      this.#waiting.push(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#arm();
    });
  }

  /** Stops the timer; rounds still waiting are told the session closed. */
  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    for (const waiter of this.#waiting.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new EngineError('CLOSED', 'the session is closed'));
    }
  }

  /** Starts a round now if fewer than `#perSecond` started in the last 1,000 ms. */
  #take(): boolean {
    if (this.#perSecond === Number.POSITIVE_INFINITY) return true;
    const now = this.#clock.now();
    while (this.#starts.length > 0 && this.#starts[0]! <= now - 1000) this.#starts.shift();
    if (this.#starts.length >= this.#perSecond) return false;
    this.#starts.push(now);
    return true;
  }

  /** One timer, for when the oldest start leaves the window, while anyone waits. */
  #arm(): void {
    if (this.#timer !== undefined || this.#waiting.length === 0) return;
    const delayMs = Math.max(1, (this.#starts[0] ?? this.#clock.now()) + 1000 - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#release();
    }, delayMs);
  }

  #release(): void {
    while (this.#waiting.length > 0 && this.#take()) {
      const waiter = this.#waiting.shift()!;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.#arm();
  }
}
