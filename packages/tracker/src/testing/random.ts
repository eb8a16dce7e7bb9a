// Deterministic "random" sources for BEP 12 shuffles in tests.

/** Fisher–Yates with this source swaps nothing: tiers keep the order they were written in. */
export const keepOrder = (): number => 0.999999;

/** A seeded generator (mulberry32) for tests that want a real-looking shuffle, repeatably. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
