// A clock that moves only when told to: simulations of hundreds of nodes run in milliseconds and
// come out the same every time. Timers fire in (time, creation) order.
import type { Cancel, Clock } from '../env.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  callback: (() => void) | undefined;
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  /** Binary min-heap on (at, seq). */
  readonly #heap: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  get pendingTimers(): number {
    return this.#heap.length;
  }

  setTimeout(callback: () => void, ms: number): Cancel {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#push(timer);
    return () => {
      timer.callback = undefined; // removed lazily when it reaches the top
    };
  }

  /** Fires the next timer; false when none is left. */
  step(): boolean {
    for (;;) {
      const timer = this.#pop();
      if (!timer) return false;
      if (!timer.callback) continue;
      this.#now = Math.max(this.#now, timer.at);
      timer.callback();
      return true;
    }
  }

  /** Moves time forward by `ms`, firing everything due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    while (this.#heap.length > 0 && this.#heap[0]!.at <= end) this.step();
    this.#now = end;
  }

  /** Fires timers until `done()` holds; false if `limitMs` of simulated time passed first. */
  runUntil(done: () => boolean, limitMs = 10 * 60_000): boolean {
    const end = this.#now + limitMs;
    while (!done()) {
      const next = this.#heap[0];
      if (!next || next.at > end) return done();
      this.step();
    }
    return true;
  }

  #less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(timer: Timer): void {
    const h = this.#heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  #pop(): Timer | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}
