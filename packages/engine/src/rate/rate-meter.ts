/** Options of a `RateMeter`. */
export interface RateMeterOptions {
  /** Clock in milliseconds (monotonic). */
  readonly now: () => number;
  /** How far back the average looks. Default 5 s, a little under two rechoke rounds (10 s each). */
  readonly windowMs?: number;
  /** Granularity: bytes are counted per slot of this length. Default 500 ms. */
  readonly slotMs?: number;
}

/** Default `RateMeterOptions.windowMs`. */
export const DEFAULT_RATE_WINDOW_MS = 5_000;
/** Default `RateMeterOptions.slotMs`. */
export const DEFAULT_RATE_SLOT_MS = 500;

/**
 * Bytes per second over a sliding window, for choking decisions, request queue depth and progress
 * display. Bytes go into fixed-length slots on a ring; the rate is the bytes in the window divided by
 * the time the window covers. No timers: slots that went stale while nobody asked are cleared on the
 * next call, so an idle meter costs nothing. Memory is window / slot numbers.
 *
 * Early on the window is shorter than `windowMs` (it covers only the time since the meter was
 * created, but at least one slot), so a new connection's rate is not diluted by time it did not
 * exist.
 */
export class RateMeter {
  private readonly slots: Float64Array;
  private readonly slotMs: number;
  private readonly start: number;
  /** Index (since `start`) of the newest slot written or cleared. */
  private head = 0;
  private totalBytes = 0;

  constructor(private readonly options: RateMeterOptions) {
    this.slotMs = options.slotMs ?? DEFAULT_RATE_SLOT_MS;
    const windowMs = options.windowMs ?? DEFAULT_RATE_WINDOW_MS;
    if (!(this.slotMs > 0) || !(windowMs >= this.slotMs)) {
      throw new RangeError('RateMeter needs slotMs > 0 and windowMs >= slotMs');
    }
    this.slots = new Float64Array(Math.ceil(windowMs / this.slotMs));
    this.start = options.now();
  }

  /** Counts bytes transferred now. */
  add(bytes: number): void {
    if (!(bytes >= 0)) throw new RangeError(`bytes must be >= 0, got ${bytes}`);
    const slot = this.advance();
    const ring = slot % this.slots.length;
    this.slots[ring] = (this.slots[ring] ?? 0) + bytes;
    this.totalBytes += bytes;
  }

  /** Bytes per second over the window. */
  rate(): number {
    const slot = this.advance();
    const elapsed = Math.max(this.elapsed(), slot * this.slotMs);
    // The window: the full slots kept on the ring plus the part of the current slot gone by; never
    // less than one slot, so the first block after creation does not read as a huge spike.
    const full = (this.slots.length - 1) * this.slotMs + (elapsed - slot * this.slotMs);
    const covered = Math.max(this.slotMs, Math.min(elapsed, full));
    let bytes = 0;
    for (const slotBytes of this.slots) bytes += slotBytes;
    return (bytes * 1000) / covered;
  }

  /** Every byte ever added. */
  get total(): number {
    return this.totalBytes;
  }

  private elapsed(): number {
    return Math.max(0, this.options.now() - this.start);
  }

  /** Clears the slots that fell out of the window since the last call; returns the current slot. */
  private advance(): number {
    const slot = Math.floor(this.elapsed() / this.slotMs);
    const stale = Math.min(slot - this.head, this.slots.length);
    for (let step = 1; step <= stale; step++) this.slots[(this.head + step) % this.slots.length] = 0;
    if (slot > this.head) this.head = slot;
    return this.head;
  }
}
