// LEDBAT congestion control (BEP 29): grow the window while the queueing delay our packets see is
// below the target, shrink it above, in proportion to how far off target and to the bytes acked.
//
//   queuing delay = delay sample - base delay (the lowest delay of the last two minutes, kept as
//                   per-minute minima so a route change ages out)
//   off_target = (target - queuing delay) / target
//   cwnd += gain * off_target * bytes_acked / cwnd       (gain: bytes per RTT at zero delay)
//
// Delay samples are the peer's timestamp_difference: its clock minus ours plus the one-way delay,
// mod 2^32; only differences between samples matter, so the clock offset cancels out. The delay
// acted on is the smallest of the last few samples (RFC 6817's current-delay filter): in a Node
// process one event-loop stall (a GC pause, a busy neighbour on the machine) delays a whole batch
// of packets, and one such sample alone must not end slow start. The gain is at least two packets
// per RTT, so a connection with large packets (64 KiB on loopback) grows as fast in packets as one
// with BEP 29's 1400-byte packets and 3000-byte gain.

import { u32Sub } from './seq.js';

export interface LedbatOptions {
  /** Target queueing delay (BEP 29: 100 ms). */
  targetMs?: number;
  /** Window growth per RTT at zero queueing delay, in bytes (BEP 29: 3000). */
  gainBytes?: number;
  /** Smallest window in bytes: one packet always goes out. */
  minWindow: number;
  /** Largest window in bytes. */
  maxWindow: number;
  /** Start with exponential growth until delay or loss appears (libtorrent does the same). */
  slowStart?: boolean;
}

const MINUTE_MS = 60_000;
/** Minutes of per-minute minima kept for the base delay (BEP 29: two minutes). */
const HISTORY_MINUTES = 2;
/** Delay samples the current delay is the minimum of (RFC 6817 CURRENT_FILTER). */
export const CURRENT_FILTER = 4;

export class Ledbat {
  /** The congestion window in bytes. */
  cwnd: number;
  readonly targetUs: number;
  private readonly gain: number;
  /** Smallest window in bytes (one packet); follows the connection's packet size. */
  minWindow: number;
  private readonly maxWindow: number;
  private slowStart: boolean;
  /** Per-minute minima of the delay samples, newest last; undefined until the first sample. */
  private readonly minima: number[] = [];
  private minuteStart = -Infinity;
  /** The queueing delay acted on, in microseconds: the least of the last CURRENT_FILTER samples. */
  queuingDelayUs = 0;
  /** The last CURRENT_FILTER queueing delays, oldest first. */
  private readonly recent: number[] = [];

  constructor(options: LedbatOptions) {
    this.targetUs = (options.targetMs ?? 100) * 1000;
    this.gain = options.gainBytes ?? 3000;
    this.minWindow = options.minWindow;
    this.maxWindow = options.maxWindow;
    this.slowStart = options.slowStart ?? true;
    this.cwnd = Math.min(this.maxWindow, Math.max(this.minWindow, options.minWindow * 2));
  }

  /** The base delay: the smallest sample of the kept minutes (wrap-aware). */
  get baseDelay(): number | undefined {
    let base: number | undefined;
    for (const m of this.minima) if (base === undefined || isBefore(m, base)) base = m;
    return base;
  }

  /** Records a delay sample (the peer's timestamp_difference) taken at `nowMs`. */
  addDelaySample(sampleUs: number, nowMs: number): void {
    if (nowMs - this.minuteStart >= MINUTE_MS || this.minima.length === 0) {
      this.minima.push(sampleUs);
      if (this.minima.length > HISTORY_MINUTES) this.minima.shift();
      this.minuteStart = nowMs;
    } else {
      const last = this.minima.length - 1;
      if (isBefore(sampleUs, this.minima[last] ?? sampleUs)) this.minima[last] = sampleUs;
    }
    const base = this.baseDelay ?? sampleUs;
    const delay = u32Sub(sampleUs, base);
    // A sample below the base wraps to a huge value: it is the new base, so zero queueing delay.
    this.recent.push(delay > 0x7fffffff ? 0 : delay);
    if (this.recent.length > CURRENT_FILTER) this.recent.shift();
    this.queuingDelayUs = Math.min(...this.recent);
  }

  /** Bytes newly acknowledged, with `flightBefore` bytes in flight before the ack. */
  onAck(bytesAcked: number, flightBefore: number): void {
    if (bytesAcked <= 0) return;
    const offTarget = (this.targetUs - this.queuingDelayUs) / this.targetUs;
    if (this.slowStart && offTarget > 0.5) {
      this.cwnd += bytesAcked;
    } else {
      this.slowStart = false;
      // Only grow a window that is actually used: an application-limited sender keeps its cwnd.
      if (offTarget > 0 && flightBefore + bytesAcked < this.cwnd / 2) return this.clamp();
      const gain = Math.max(this.gain, 2 * this.minWindow);
      this.cwnd += (gain * offTarget * bytesAcked) / Math.max(this.cwnd, 1);
    }
    this.clamp();
  }

  /** A loss detected by duplicate acks or SACK: halve (at most once per window, the caller decides). */
  onLoss(): void {
    this.slowStart = false;
    this.cwnd = this.cwnd / 2;
    this.clamp();
  }

  /** A retransmission timeout: back to the minimum window (BEP 29: max_window = packet size). */
  onTimeout(): void {
    this.slowStart = false;
    this.cwnd = this.minWindow;
  }

  get inSlowStart(): boolean {
    return this.slowStart;
  }

  private clamp(): void {
    this.cwnd = Math.max(this.minWindow, Math.min(this.maxWindow, this.cwnd));
  }
}

/** a < b on the 32-bit wrapped circle. */
function isBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
