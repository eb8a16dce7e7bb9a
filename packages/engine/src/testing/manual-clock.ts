// A clock driven by hand (test helper, not exported by the package): time moves only on `advance`,
// which runs due callbacks in time order.
import type { Cancel, Clock } from '../clock.js';

interface Timer {
  at: number;
  readonly every: number | undefined;
  readonly callback: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  #now = 1_000;
  readonly #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): Cancel {
    return this.#add(callback, ms, undefined);
  }

  setInterval(callback: () => void, ms: number): Cancel {
    return this.#add(callback, ms, ms);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#now = Math.max(this.#now, due.at);
      if (due.every === undefined) due.cancelled = true;
      else due.at += due.every;
      due.callback();
    }
    this.#now = end;
  }

  #add(callback: () => void, ms: number, every: number | undefined): Cancel {
    const timer: Timer = { at: this.#now + Math.max(0, ms), every: every === undefined ? undefined : Math.max(1, every), callback, cancelled: false };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
}
