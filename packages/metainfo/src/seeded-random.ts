// The repo's one seeded pseudo-random generator (mulberry32: 32 bits of state, fast, well mixed),
// for code that takes injected randomness (the picker's tie-breaks, the choker's optimistic unchoke,
// the BEP 12 tracker shuffle) and for repeatable test data and benchmarks. Not for secrets: peer
// ids, keys and transaction ids come from node:crypto.
//
// Why in metainfo: it is the lowest package that the tracker, storage, engine, cli and testkit all
// may import (bencode is the bencode format alone), and it is pure, so it adds no I/O anywhere.

/** Uniformly distributed numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** The raw generator: a uniformly distributed unsigned 32-bit integer per call. */
export function seededUint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A RandomSource that gives the same sequence for the same seed. */
export function seededRandom(seed: number): RandomSource {
  const next = seededUint32(seed);
  return () => next() / 0x1_0000_0000;
}

/** An integer in [0, bound) drawn from `random`; `bound` must be a positive integer. */
export function randomIndex(random: RandomSource, bound: number): number {
  // Guard against a source that returns exactly 1 (some test doubles do).
  return Math.min(bound - 1, Math.floor(random() * bound));
}

/** Shuffles `items` in place (Fisher-Yates) with `random`, and returns it. */
export function shuffleInPlace<T>(items: T[], random: RandomSource): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Fills `bytes` from the generator seeded with `seed`, four bytes per draw, and returns it. */
export function fillSeeded(bytes: Uint8Array, seed: number): Uint8Array {
  const next = seededUint32(seed);
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    const x = next();
    bytes[i] = x;
    bytes[i + 1] = x >>> 8;
    bytes[i + 2] = x >>> 16;
    bytes[i + 3] = x >>> 24;
  }
  if (i < bytes.length) {
    let x = next();
    for (; i < bytes.length; i++, x >>>= 8) bytes[i] = x;
  }
  return bytes;
}
