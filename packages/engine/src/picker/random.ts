/**
 * A source of uniformly distributed numbers in [0, 1), like `Math.random`. The picker and the choker
 * take one so that tests (and swarm simulations) can replay the same random tie-breaks.
 */
export type RandomSource = () => number;

/**
 * A small seeded generator (the mulberry32 mixing function): fast, 32 bits of state, good enough for
 * tie-breaks and optimistic unchokes. Not for anything security related.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** An integer in [0, bound) drawn from `random`; `bound` must be a positive integer. */
export function randomIndex(random: RandomSource, bound: number): number {
  // Guard against a source that returns exactly 1 (some test doubles do).
  return Math.min(bound - 1, Math.floor(random() * bound));
}
