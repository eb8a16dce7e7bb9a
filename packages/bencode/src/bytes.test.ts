import { describe, expect, test } from '@jest/globals';
import { bytesToLatin1, latin1ToBytes, utf8 } from './bytes.js';
import { isBytes, isDict, isInteger, isList } from './guards.js';

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('latin1 byte strings', () => {
  test('every byte value maps to the char with the same code and back', () => {
    const s = bytesToLatin1(allBytes);
    expect(s.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(s.charCodeAt(i)).toBe(i);
    expect(latin1ToBytes(s)).toEqual(allBytes);
  });

  test('0x80-0x9F are kept as is (not remapped the way windows-1252 would)', () => {
    expect(bytesToLatin1(Uint8Array.of(0x80, 0x9f))).toBe('\u0080\u009f');
  });

  test('strings longer than one conversion chunk convert in full', () => {
    const long = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7) & 0xff);
    // Buffer.equals rather than toEqual, which walks 100k elements slowly.
    expect(Buffer.from(latin1ToBytes(bytesToLatin1(long))).equals(long)).toBe(true);
  });

  test('a char above U+00FF is not a byte: RangeError', () => {
    expect(() => latin1ToBytes('ab\u0100')).toThrow(RangeError);
  });
});

describe('utf8', () => {
  test('decodes well-formed UTF-8, keeping a leading BOM as data', () => {
    expect(utf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9))).toBe('\ufeffh\u00e9');
  });

  test.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('throws TypeError on %s', (_name, bytes) => {
    // By name, not instanceof: TextDecoder's TypeError comes from Node's realm, not jest's sandbox.
    expect(() => utf8(Uint8Array.from(bytes))).toThrow(expect.objectContaining({ name: 'TypeError' }));
  });
});

describe('type guards', () => {
  const samples = { dict: new Map(), list: [], bytes: new Uint8Array(1), int: 1, big: 1n, absent: undefined };

  test.each([
    ['isDict', isDict, ['dict']],
    ['isList', isList, ['list']],
    ['isBytes', isBytes, ['bytes']],
    ['isInteger', isInteger, ['int', 'big']],
  ] as const)('%s accepts only its own type', (_name, guard, accepted) => {
    for (const [kind, value] of Object.entries(samples)) {
      expect([kind, guard(value)]).toEqual([kind, (accepted as readonly string[]).includes(kind)]);
    }
  });
});
