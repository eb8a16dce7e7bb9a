/** Something that hands out a budget of bytes over time. */
export interface Limiter {
  /**
   * Takes up to `bytes` from the budget and returns how many were granted now (0..bytes). A caller
   * that got less sends what it got and asks again after `waitTime`.
   */
  take(bytes: number): number;
  /** Bytes that `take` would grant right now. */
  available(): number;
  /**
   * Milliseconds until `bytes` can be granted at once; 0 when they can be now. A request larger than
   * the burst waits for a full burst (it can never be granted whole; send it in parts).
   */
  waitTime(bytes: number): number;
}

/** Options of a `RateLimiter`. */
export interface RateLimiterOptions {
  /** Sustained rate. 0 or undefined: unlimited. */
  readonly bytesPerSecond?: number | undefined;
  /**
   * Most bytes that can be granted at once after an idle spell. Default: one second's worth, and at
   * least one 16 KiB block so that a slow limit still lets whole blocks through.
   */
  readonly burst?: number | undefined;
  /** Clock in milliseconds (monotonic, e.g. `performance.now`). */
  readonly now: () => number;
}

/** The smallest default burst: one BitTorrent block (BEP 3 recommends 16 KiB requests). */
export const MIN_DEFAULT_BURST = 16 * 1024;

/**
 * A token bucket: tokens (bytes) accrue at `bytesPerSecond` up to `burst`, and `take` spends them.
 * It starts full, so the first burst goes out at once. No timers: tokens are computed from the
 * injected clock whenever asked, so an idle limiter costs nothing.
 */
export class RateLimiter implements Limiter {
  private rate = 0;
  private burst = 0;
  private tokens = 0;
  private last: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.last = options.now();
    this.setRate(options.bytesPerSecond, options.burst);
  }

  /** True when no rate is set: everything is granted at once. */
  get unlimited(): boolean {
    return this.rate === 0;
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  /**
   * Changes the rate (0 or undefined: unlimited) and burst. Tokens already saved are kept, capped at
   * the new burst, so lowering the limit takes effect at once.
   */
  setRate(bytesPerSecond: number | undefined, burst?: number): void {
    const rate = bytesPerSecond ?? 0;
    if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`bytesPerSecond must be >= 0, got ${rate}`);
    if (burst !== undefined && (!Number.isFinite(burst) || burst <= 0)) {
      throw new RangeError(`burst must be > 0, got ${burst}`);
    }
    const wasUnlimited = this.rate === 0;
    this.refill();
    this.rate = rate;
    this.burst = burst ?? Math.max(rate, MIN_DEFAULT_BURST);
    this.tokens = wasUnlimited ? this.burst : Math.min(this.tokens, this.burst);
  }

  take(bytes: number): number {
    checkBytes(bytes);
    if (this.rate === 0) return bytes;
    this.refill();
    const granted = Math.min(bytes, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }

  available(): number {
    if (this.rate === 0) return Number.POSITIVE_INFINITY;
    this.refill();
    return Math.floor(this.tokens);
  }

  waitTime(bytes: number): number {
    checkBytes(bytes);
    if (this.rate === 0) return 0;
    this.refill();
    const missing = Math.min(bytes, this.burst) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rate);
  }

  private refill(): void {
    const now = this.options.now();
    // A clock that steps back (it should not) grants nothing rather than a negative amount.
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    if (this.rate > 0) this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
  }
}

/**
 * Several limits that must all allow a transfer: a peer's, its torrent's and the session's, say. A
 * grant is the smallest any member allows, and it is taken from every member, so bytes are never
 * spent in one bucket and refused by another. A chain is itself a `Limiter`, so chains nest.
 */
export class LimiterChain implements Limiter {
  constructor(private readonly limiters: readonly Limiter[]) {}

  take(bytes: number): number {
    const granted = Math.min(bytes, this.available());
    for (const limiter of this.limiters) limiter.take(granted);
    return granted;
  }

  available(): number {
    let least = Number.POSITIVE_INFINITY;
    for (const limiter of this.limiters) least = Math.min(least, limiter.available());
    return least;
  }

  waitTime(bytes: number): number {
    let longest = 0;
    for (const limiter of this.limiters) longest = Math.max(longest, limiter.waitTime(bytes));
    return longest;
  }
}

function checkBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`bytes must be a non-negative integer, got ${bytes}`);
}
