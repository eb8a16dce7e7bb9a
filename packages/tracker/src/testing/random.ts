// Deterministic "random" sources for BEP 12 shuffles in tests.
export { seededRandom } from '@typetorrent/metainfo';

/** Fisher–Yates with this source swaps nothing: tiers keep the order they were written in. */
export const keepOrder = (): number => 0.999999;
