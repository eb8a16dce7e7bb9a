import { describe, expect, it } from '@jest/globals';
import { seqAdd, seqDistance, seqLess, u32Sub } from './seq.js';

describe('16-bit sequence arithmetic', () => {
  it.each([
    [5, 7, 2],
    [7, 5, -2],
    [0xfffe, 1, 3],
    [1, 0xfffe, -3],
    [0, 0x7fff, 0x7fff],
    [0, 0x8000, -0x8000],
  ])('distance from %i to %i is %i', (from, to, distance) => {
    expect(seqDistance(from, to)).toBe(distance);
  });

  it('orders across the wrap', () => {
    expect(seqLess(0xffff, 0)).toBe(true);
    expect(seqLess(0, 0xffff)).toBe(false);
    expect(seqAdd(0xffff, 2)).toBe(1);
    expect(seqAdd(0, -1)).toBe(0xffff);
  });

  it('subtracts 32-bit microsecond timestamps modulo 2^32', () => {
    expect(u32Sub(5, 0xfffffffe)).toBe(7);
  });
});
