// Download rate limits, applied where bytes come in: each chunk read from a peer is charged to the
// limiter chain (torrent, then session). What the buckets could not grant becomes the peer's debt
// and its socket stops being read until the debt is paid; TCP flow control then slows the sender,
// so the limit holds without dropping anything we asked for.
import type { Clock, Cancel } from '../clock.js';
import type { Limiter } from '../rate/rate-limiter.js';

/** What the throttle needs of a peer. */
export interface Throttled {
  readDebt: number;
  readonly conn: { pauseReading(): void; resumeReading(): void; readonly closed: boolean };
}

/** Debts are paid in slices of at most this, so one big chunk does not starve the other peers. */
const PAYMENT_BYTES = 16 * 1024;
/** Shortest wait between payments, so a tiny limit does not spin a timer every millisecond. */
const MIN_WAIT_MS = 10;

export class ReadThrottle {
  readonly #limiter: Limiter;
  readonly #clock: Clock;
  /** Peers in debt, in the order they get paid. */
  readonly #waiting = new Set<Throttled>();
  #timer: Cancel | undefined;

  constructor(limiter: Limiter, clock: Clock) {
    this.#limiter = limiter;
    this.#clock = clock;
  }

  /** `bytes` were read from `peer`. */
  charge(peer: Throttled, bytes: number): void {
    if (peer.readDebt === 0 && this.#limiter.available() === Number.POSITIVE_INFINITY) return;
    const granted = peer.readDebt > 0 ? 0 : this.#limiter.take(bytes);
    peer.readDebt += bytes - granted;
    if (peer.readDebt === 0) return;
    peer.conn.pauseReading();
    this.#waiting.add(peer);
    this.#schedule();
  }

  /** Forgets a peer that left. */
  remove(peer: Throttled): void {
    this.#waiting.delete(peer);
  }

  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    for (const peer of this.#waiting) peer.conn.resumeReading();
    this.#waiting.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const first = this.#waiting.values().next();
    if (first.done === true) return;
    const wait = Math.max(MIN_WAIT_MS, this.#limiter.waitTime(Math.min(first.value.readDebt, PAYMENT_BYTES)));
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#pay();
    }, wait);
  }

  #pay(): void {
    for (const peer of this.#waiting) {
      if (peer.conn.closed) {
        this.#waiting.delete(peer);
        continue;
      }
      const granted = this.#limiter.take(Math.min(peer.readDebt, PAYMENT_BYTES));
      if (granted === 0) break;
      peer.readDebt -= granted;
      this.#waiting.delete(peer);
      if (peer.readDebt === 0) peer.conn.resumeReading();
      else this.#waiting.add(peer); // to the back of the line
    }
    this.#schedule();
  }
}
