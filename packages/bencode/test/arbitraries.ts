// fast-check generators for bencode values, shared by the property and differential tests.
import fc from 'fast-check';
import { bytesToLatin1 } from '../src/bytes.js';
import type { BencodeValue } from '../src/types.js';

/** Integers as decode returns them: number when safe, bigint otherwise. */
export const integer: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n })
    .map((n) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n)),
);

/** Byte-string keys, biased towards a few short ones so dicts get near-collisions and shared prefixes. */
export const latin1Key: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'a', 'aa', 'b', 'info', '__proto__', '\x00', '\xff'),
  fc.uint8Array({ maxLength: 6 }).map(bytesToLatin1),
);

export interface ValueShape {
  readonly integer: fc.Arbitrary<number | bigint>;
  readonly key: fc.Arbitrary<string>;
}

/** Decoded-form values (Map dicts with latin1 keys), built from the given leaves. */
export function bencodeValue(shape: ValueShape = { integer, key: latin1Key }): fc.Arbitrary<BencodeValue> {
  const tree = fc.letrec<{ value: BencodeValue; list: BencodeValue[]; dict: Map<string, BencodeValue> }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      shape.integer,
      fc.uint8Array({ maxLength: 24 }),
      tie('list'),
      tie('dict'),
    ),
    list: fc.array(tie('value'), { maxLength: 5 }),
    dict: fc.uniqueArray(fc.tuple(shape.key, tie('value')), { selector: ([k]) => k, maxLength: 5 })
      .map((entries) => new Map(entries)),
  }));
  return tree.value;
}
