// 16-bit sequence and ack numbers wrap around (BEP 29): compare them by their signed distance.

export const SEQ_MASK = 0xffff;

/** (a + n) mod 2^16. */
export function seqAdd(a: number, n: number): number {
  return (a + n) & SEQ_MASK;
}

/** Signed distance from `from` to `to`, in [-32768, 32767]: positive when `to` is after `from`. */
export function seqDistance(from: number, to: number): number {
  return (((to - from) & SEQ_MASK) << 16) >> 16;
}

/** True when `a` comes before `b` in wrapped order. */
export function seqLess(a: number, b: number): boolean {
  return seqDistance(a, b) > 0;
}

/** 32-bit microsecond timestamps wrap too: (a - b) mod 2^32. */
export function u32Sub(a: number, b: number): number {
  return (a - b) >>> 0;
}
