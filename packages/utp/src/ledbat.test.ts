import { describe, expect, it } from '@jest/globals';
import { CURRENT_FILTER, Ledbat } from './ledbat.js';

const PACKET = 1400;

function controller(): Ledbat {
  return new Ledbat({ minWindow: PACKET, maxWindow: 1 << 22, slowStart: false, targetMs: 100, gainBytes: 3000 });
}

/** Feeds one window's worth of acks with every packet seeing `delayUs` on top of `baseUs`. */
function window(l: Ledbat, baseUs: number, delayUs: number, nowMs: number): void {
  const packets = Math.max(1, Math.floor(l.cwnd / PACKET));
  for (let i = 0; i < packets; i++) {
    l.addDelaySample((baseUs + delayUs) >>> 0, nowMs);
    l.onAck(PACKET, l.cwnd);
  }
}

describe('LEDBAT (BEP 29)', () => {
  it('grows the window by about the gain per RTT when there is no queueing delay', () => {
    const l = controller();
    l.cwnd = 50 * PACKET;
    const before = l.cwnd;
    window(l, 5000, 0, 0);
    expect(l.cwnd - before).toBeGreaterThan(2500);
    expect(l.cwnd - before).toBeLessThanOrEqual(3000);
  });

  it('shrinks the window when the delay rises above the 100 ms target', () => {
    const l = controller();
    l.cwnd = 50 * PACKET;
    window(l, 5000, 0, 0); // establishes the base delay
    const before = l.cwnd;
    window(l, 5000, 200_000, 10);
    expect(l.queuingDelayUs).toBe(200_000);
    expect(l.cwnd).toBeLessThan(before);
  });

  it('holds steady at the target delay', () => {
    const l = controller();
    l.cwnd = 50 * PACKET;
    window(l, 5000, 0, 0);
    for (let i = 0; i < CURRENT_FILTER; i++) l.addDelaySample(5000 + 100_000, 10); // the filter settles
    const before = l.cwnd;
    window(l, 5000, 100_000, 10);
    expect(l.cwnd).toBeCloseTo(before, 5);
  });

  it('keeps the base delay as per-minute minima over two minutes, so a longer route ages in', () => {
    const l = controller();
    l.addDelaySample(10_000, 0);
    l.addDelaySample(50_000, 30_000);
    expect(l.baseDelay).toBe(10_000);
    l.addDelaySample(50_000, 61_000); // a new minute: still two minutes of history
    expect(l.baseDelay).toBe(10_000);
    l.addDelaySample(50_000, 122_000); // the first minute left the history
    expect(l.baseDelay).toBe(50_000);
    expect(l.queuingDelayUs).toBe(0);
  });

  it('compares timestamps across the 32-bit wrap', () => {
    const l = controller();
    l.addDelaySample(0xffff_fff0, 0);
    for (let i = 0; i < CURRENT_FILTER; i++) l.addDelaySample(0x10, 10); // 32 us later on the wrapped clock
    expect(l.baseDelay).toBe(0xffff_fff0);
    expect(l.queuingDelayUs).toBe(0x20);
  });

  it('halves on loss and drops to one packet on timeout, never below it', () => {
    const l = controller();
    l.cwnd = 40 * PACKET;
    l.onLoss();
    expect(l.cwnd).toBe(20 * PACKET);
    l.onTimeout();
    expect(l.cwnd).toBe(PACKET);
    l.onLoss();
    expect(l.cwnd).toBe(PACKET);
  });

  it('leaves slow start when the delay stays past half the target, not on one delayed batch', () => {
    const l = new Ledbat({ minWindow: PACKET, maxWindow: 1 << 22 });
    l.addDelaySample(1000, 0);
    l.onAck(PACKET, l.cwnd);
    expect(l.inSlowStart).toBe(true);
    l.addDelaySample(1000 + 60_000, 1); // one event-loop stall
    l.onAck(PACKET, l.cwnd);
    expect(l.inSlowStart).toBe(true);
    for (let i = 1; i < CURRENT_FILTER; i++) l.addDelaySample(1000 + 60_000, 2);
    l.onAck(PACKET, l.cwnd);
    expect(l.queuingDelayUs).toBe(60_000);
    expect(l.inSlowStart).toBe(false);
  });

  it('grows by at least two packets per RTT, so large packets grow as fast in packets as small ones', () => {
    const big = 65_000;
    const l = new Ledbat({ minWindow: big, maxWindow: 1 << 26, slowStart: false, targetMs: 100, gainBytes: 3000 });
    l.cwnd = 20 * big;
    l.addDelaySample(5000, 0);
    const before = l.cwnd;
    for (let i = 0; i < 20; i++) l.onAck(big, l.cwnd); // one window acked
    expect(l.cwnd - before).toBeGreaterThan(1.8 * big);
    expect(l.cwnd - before).toBeLessThanOrEqual(2 * big);
  });
});
