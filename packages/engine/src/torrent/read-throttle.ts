// Download rate limits, applied where bytes come in: each chunk read from a peer is charged to the
// limiter chain (torrent, then session). What the buckets could not grant becomes the peer's debt
// and its socket stops being read until the debt is paid; TCP flow control then slows the sender,
// so the limit holds without dropping anything we asked for.
import type { Clock, Cancel } from '../clock.js';
import type { Limiter } from '../rate/rate-limiter.js';

/** What the throttle needs of a peer. */
export interface Throttled {
  readonly conn: { pauseReading(): void; resumeReading(): void; readonly closed: boolean };
}

/** Debts are paid in slices of at most this, so one big chunk does not starve the other peers. */
const PAYMENT_BYTES = 16 * 1024;
/** Shortest wait between payments, so a tiny limit does not spin a timer every millisecond. */
const MIN_WAIT_MS = 10;

export class ReadThrottle {
  readonly #limiter: Limiter;
  readonly #clock: Clock;
  /** Peers in debt (bytes read beyond what the limiters granted), in the order they get paid. */
  readonly #waiting = new Map<Throttled, number>();
  #timer: Cancel | undefined;

  constructor(limiter: Limiter, clock: Clock) {
    this.#limiter = limiter;
    this.#clock = clock;
  }

  /** `bytes` were read from `peer`. */
  charge(peer: Throttled, bytes: number): void {
    const debt = this.#waiting.get(peer) ?? 0;
    if (debt === 0 && this.#limiter.available() === Number.POSITIVE_INFINITY) return;
    const granted = debt > 0 ? 0 : this.#limiter.take(bytes);
    const owed = debt + bytes - granted;
    if (owed === 0) return;
    peer.conn.pauseReading();
    this.#waiting.set(peer, owed);
    this.#schedule();
  }

  /** Bytes the peer read beyond what the limiters granted (reading is paused until they are paid). */
  debtOf(peer: Throttled): number {
    return this.#waiting.get(peer) ?? 0;
  }

  /** Forgets a peer that left. */
  remove(peer: Throttled): void {
    this.#waiting.delete(peer);
  }

  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    for (const peer of this.#waiting.keys()) peer.conn.resumeReading();
    this.#waiting.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const first = this.#waiting.values().next();
    if (first.done === true) return;
    const wait = Math.max(MIN_WAIT_MS, this.#limiter.waitTime(Math.min(first.value, PAYMENT_BYTES)));
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#pay();
    }, wait);
  }

  #pay(): void {
    for (const [peer, debt] of this.#waiting) {
      if (peer.conn.closed) {
        this.#waiting.delete(peer);
        continue;
      }
      const granted = this.#limiter.take(Math.min(debt, PAYMENT_BYTES));
      if (granted === 0) break;
      this.#waiting.delete(peer);
      if (debt === granted) peer.conn.resumeReading();
      else this.#waiting.set(peer, debt - granted); // to the back of the line
    }
    this.#schedule();
  }
}
