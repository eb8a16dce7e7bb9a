// A hand-driven clock for announcer tests: time moves only when the test says so, so intervals of
// 30 minutes take no time and no assertion depends on how fast the machine is.
import type { Cancel, Timers } from '../timers.js';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** Lets pending promise callbacks run (fake transports answer on the microtask queue). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualTimers implements Timers {
  #now = 0;
  #seq = 0;
  readonly #entries = new Set<Entry>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): Cancel {
    const entry: Entry = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#entries.add(entry);
    return () => this.#entries.delete(entry);
  }

  /** Delays (from now) of the timers still pending, soonest first. */
  pending(): number[] {
    return [...this.#entries].map((e) => e.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing due timers in order and settling promises after each. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#next();
      if (next === undefined || next.at > end) break;
      this.#entries.delete(next);
      this.#now = next.at;
      next.callback();
      await settle();
    }
    this.#now = end;
  }

  /** Jumps to the next timer and fires it; returns the delay it had. */
  async runNext(): Promise<number> {
    await settle();
    const next = this.#next();
    if (next === undefined) throw new Error('no timer pending');
    const delay = next.at - this.#now;
    await this.advance(delay);
    return delay;
  }

  #next(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.#entries) if (best === undefined || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    return best;
  }
}
