import { describe, expect, test } from '@jest/globals';
import { PieceSet } from './piece-set.js';

describe('PieceSet', () => {
  test('uses the wire bit order: piece 0 is the high bit of the first byte', () => {
    const set = new PieceSet(10);
    set.add(0);
    set.add(9);
    expect([...set.toBitfield()]).toEqual([0b1000_0000, 0b0100_0000]);
    expect(set.count).toBe(2);
    expect([...set]).toEqual([0, 9]);
  });

  test('adding or deleting twice changes the count once', () => {
    const set = new PieceSet(3);
    set.add(1);
    set.add(1);
    expect(set.count).toBe(1);
    set.delete(1);
    set.delete(1);
    expect(set.count).toBe(0);
    expect(set.has(1)).toBe(false);
  });

  test('reads a bitfield back and counts its pieces', () => {
    const set = PieceSet.fromBitfield(new Uint8Array([0xff, 0b1100_0000]), 10);
    expect(set?.count).toBe(10);
    expect(set?.has(9)).toBe(true);
  });

  test('refuses a bitfield of the wrong length or with a spare bit set', () => {
    expect(PieceSet.fromBitfield(new Uint8Array(3), 10)).toBeUndefined();
    expect(PieceSet.fromBitfield(new Uint8Array([0, 0b0010_0000]), 10)).toBeUndefined();
  });

  test('has() is false outside the range; add() throws there', () => {
    const set = PieceSet.all(4);
    expect(set.has(-1)).toBe(false);
    expect(set.has(4)).toBe(false);
    expect(() => set.add(4)).toThrow(RangeError);
  });

  test('a clone is independent', () => {
    const set = PieceSet.all(3);
    const copy = set.clone();
    copy.delete(0);
    expect(set.has(0)).toBe(true);
    expect(copy.count).toBe(2);
  });
});
