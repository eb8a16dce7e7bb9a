// Round-trip time and retransmission timeout, as BEP 29 gives them:
//   delta = rtt - sample; rtt_var += (|delta| - rtt_var) / 4; rtt += (sample - rtt) / 8
//   timeout = max(rtt + 4 * rtt_var, 500 ms); each timeout without progress doubles it.

export const MIN_RTO_MS = 500;
/** Before any sample (BEP 29: 1000 ms). */
export const INITIAL_RTO_MS = 1000;
/** Back-off stops doubling here. */
export const MAX_RTO_MS = 60_000;

export class RttEstimator {
  rtt = 0;
  rttVar = 0;
  private hasSample = false;
  private backoff = 1;

  /** A sample from a packet sent exactly once (Karn: retransmitted packets are ambiguous). */
  sample(ms: number): void {
    const value = Math.max(0, ms);
    if (!this.hasSample) {
      this.rtt = value;
      this.rttVar = value / 2;
      this.hasSample = true;
    } else {
      const delta = this.rtt - value;
      this.rttVar += (Math.abs(delta) - this.rttVar) / 4;
      this.rtt += (value - this.rtt) / 8;
    }
    this.backoff = 1;
  }

  /** The current timeout, back-off included. */
  get rto(): number {
    return Math.min(this.unbackedRto * this.backoff, MAX_RTO_MS);
  }

  /** The timeout before any back-off. */
  private get unbackedRto(): number {
    return this.hasSample ? Math.max(this.rtt + 4 * this.rttVar, MIN_RTO_MS) : INITIAL_RTO_MS;
  }

  /**
   * How long a sender keeps retransmitting before it gives up after `retries` timeouts in a row:
   * `retries + 1` timeouts from the current one without back-off, each double the last (capped).
   */
  retryScheduleMs(retries: number): number {
    const base = this.unbackedRto;
    let total = 0;
    for (let i = 0; i <= retries; i++) total += Math.min(base * 2 ** i, MAX_RTO_MS);
    return total;
  }

  /** A timeout fired: double the next one. */
  backOff(): void {
    if (this.rto < MAX_RTO_MS) this.backoff *= 2;
  }

  /** Forward progress without a fresh sample (an ack of retransmitted data) ends the back-off. */
  resetBackoff(): void {
    this.backoff = 1;
  }

  get sampled(): boolean {
    return this.hasSample;
  }
}
