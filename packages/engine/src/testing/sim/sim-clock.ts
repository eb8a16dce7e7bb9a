// Simulated time for whole swarms (test helper, not exported by the package). Like ManualClock, time
// moves only when the driver says so; unlike it, timers sit in a binary heap (a swarm schedules
// thousands of deliveries a second, and ManualClock scans every timer it ever made per step), and
// timers due at the same moment run in the order they were made, so a run is the same every time.
import type { Cancel, Clock } from '../../clock.js';

interface Timer {
  at: number;
  /** Creation order: the tie-break between timers due at the same moment. */
  seq: number;
  readonly every: number | undefined;
  readonly callback: () => void;
  cancelled: boolean;
}

export class SimClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #heap: Timer[] = [];
  /** Timers made so far: the driver watches it to know whether a turn of the event loop did anything. */
  made = 0;

  constructor(start = 1_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): Cancel {
    return this.#add(callback, ms, undefined);
  }

  setInterval(callback: () => void, ms: number): Cancel {
    return this.#add(callback, ms, ms);
  }

  /** When the earliest live timer is due, or undefined when none is left. */
  nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /**
   * Runs every timer due up to `until` (those the callbacks make too), each at its own time, and
   * leaves the clock at `until`. Returns how many ran.
   */
  runUntil(until: number): number {
    let ran = 0;
    for (;;) {
      this.#dropCancelled();
      const timer = this.#heap[0];
      if (timer === undefined || timer.at > until) break;
      this.#pop();
      this.#now = Math.max(this.#now, timer.at);
      if (timer.every === undefined) timer.cancelled = true;
      else {
        timer.at += timer.every;
        timer.seq = this.#seq++;
        this.#push(timer);
      }
      ran++;
      timer.callback();
    }
    this.#now = Math.max(this.#now, until);
    return ran;
  }

  #add(callback: () => void, ms: number, every: number | undefined): Cancel {
    this.made++;
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    const timer: Timer = { at: this.#now + delay, seq: this.#seq++, every: every === undefined ? undefined : Math.max(1, every), callback, cancelled: false };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled === true) this.#pop();
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left]!, heap[least]!)) least = left;
      if (right < heap.length && before(heap[right]!, heap[least]!)) least = right;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
