import { describe, expect, test } from '@jest/globals';
import { Bitfield } from './bitfield.js';
import { WireError } from './errors.js';
import { hex } from './testing/wire-table.js';

test('piece 0 is the high bit of the first byte (BEP 3)', () => {
  const field = new Bitfield(10);
  field.set(0);
  field.set(9);
  expect(field.toBytes()).toEqual(hex('80 40'));
  expect(field.get(0)).toBe(true);
  expect(field.get(1)).toBe(false);
  expect(field.get(9)).toBe(true);
});

test('count, hasAll and hasNone follow every set and clear', () => {
  const field = new Bitfield(3);
  expect(field.hasNone()).toBe(true);
  expect(field.set(1)).toBe(true);
  expect(field.set(1)).toBe(false);
  expect(field.count()).toBe(1);
  field.set(0);
  field.set(2);
  expect(field.hasAll()).toBe(true);
  expect(field.clear(2)).toBe(true);
  expect(field.count()).toBe(2);
  expect(field.hasAll()).toBe(false);
});

test('setAll leaves the spare bits zero and clearAll empties the field', () => {
  const field = Bitfield.full(11);
  expect(field.toBytes()).toEqual(hex('ff e0'));
  expect(field.count()).toBe(11);
  field.clearAll();
  expect(field.toBytes()).toEqual(hex('00 00'));
  expect(field.hasNone()).toBe(true);
});

test('fromBytes copies its input and counts the set pieces', () => {
  const bytes = hex('a5 80');
  const field = Bitfield.fromBytes(bytes, 9);
  bytes[0] = 0;
  expect(field.count()).toBe(5);
  expect([...field.indices()]).toEqual([0, 2, 5, 7, 8]);
});

test('toBytes returns a copy the caller may change', () => {
  const field = Bitfield.full(8);
  const out = field.toBytes();
  out[0] = 0;
  expect(field.hasAll()).toBe(true);
});

describe('fromBytes rejects what a peer must not send', () => {
  test('a wrong length', () => {
    expect(() => Bitfield.fromBytes(hex('ff'), 9)).toThrow(expect.objectContaining({ code: 'bad-message-length', fatal: true }));
  });
  test('a set spare bit, with its position', () => {
    expect(() => Bitfield.fromBytes(hex('ff 81'), 9)).toThrow(expect.objectContaining({ code: 'bitfield-spare-bits', offset: 1 }));
  });
});

test('spareBitsAt finds the first set bit past the piece count, or -1', () => {
  expect(Bitfield.spareBitsAt(hex('ff 80'), 9)).toBe(-1);
  expect(Bitfield.spareBitsAt(hex('ff 20'), 9)).toBe(10);
  expect(Bitfield.spareBitsAt(hex('ff'), 8)).toBe(-1);
});

test('a torrent of zero pieces has an empty bitfield that has all and none of its pieces', () => {
  const field = new Bitfield(0);
  expect(field.toBytes()).toEqual(new Uint8Array(0));
  expect(field.hasAll()).toBe(true);
  expect(field.hasNone()).toBe(true);
});

test('indices outside the piece count are invalid arguments', () => {
  const field = new Bitfield(8);
  expect(() => field.get(8)).toThrow(WireError);
  expect(() => field.set(-1)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  expect(() => new Bitfield(1.5)).toThrow(WireError);
});

test('clone is independent of the original', () => {
  const field = new Bitfield(4);
  const copy = field.clone();
  copy.set(3);
  expect(field.get(3)).toBe(false);
  expect(copy.count()).toBe(1);
});
