// The picker and the choker take a RandomSource so that tests (and swarm simulations) can replay the
// same random tie-breaks. The generator is the repo's one seeded generator, in @typetorrent/metainfo.
export { randomIndex, seededRandom, type RandomSource } from '@typetorrent/metainfo';
