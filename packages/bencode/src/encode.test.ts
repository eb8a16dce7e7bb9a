import { runInNewContext } from 'node:vm';
import { describe, expect, test } from '@jest/globals';
import { encode, encodedLength, encodeInto } from './encode.js';
import { BencodeError } from './errors.js';
import { bytesToLatin1, latin1ToBytes } from './bytes.js';
import type { BencodeInput } from './types.js';

const raw = (s: string): Uint8Array => latin1ToBytes(s);
const encoded = (v: BencodeInput): string => bytesToLatin1(encode(v));

const valid: [name: string, value: BencodeInput, expected: string][] = [
  ['zero', 0, 'i0e'],
  ['negative zero as plain zero', -0, 'i0e'],
  ['positive integer', 42, 'i42e'],
  ['negative integer', -42, 'i-42e'],
  ['max safe integer', Number.MAX_SAFE_INTEGER, 'i9007199254740991e'],
  ['min safe integer', Number.MIN_SAFE_INTEGER, 'i-9007199254740991e'],
  ['unsafe but integral double, exactly', 2 ** 64, 'i18446744073709551616e'],
  ['bigint', -(2n ** 70n), 'i-1180591620717411303424e'],
  ['small bigint', 7n, 'i7e'],
  ['empty string', '', '0:'],
  ['ASCII string', 'spam', '4:spam'],
  ['string as UTF-8, length in bytes', 'h\u00e9\u20ac\u{1f600}', '10:h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'],
  ['bytes as they are', raw('\x00\xff'), '2:\x00\xff'],
  ['Buffer as bytes', Buffer.from('ab'), '2:ab'],
  ['Uint8Array from another realm as bytes', runInNewContext('new Uint8Array([97, 98])') as Uint8Array, '2:ab'],
  ['empty list', [], 'le'],
  ['list in order', [1, 'a', [], {}], 'li1e1:aledee'],
  ['empty object', {}, 'de'],
  ['object keys sorted', { b: 1, a: 2, aa: 3 }, 'd1:ai2e2:aai3e1:bi1ee'],
  ['numeric-looking keys sorted as bytes, not numbers', { 10: 1, 9: 2, 2: 3 }, 'd2:10i1e1:2i3e1:9i2ee'],
  ['undefined properties omitted', { a: undefined, b: 1 }, 'd1:bi1ee'],
  ['object keys as UTF-8', { '\u00e9': 1 }, 'd2:\xc3\xa9i1ee'],
  ['Map keys as latin1 bytes', new Map([['\u00e9', 1]]), 'd1:\xe9i1ee'],
  ['Map keys sorted by byte', new Map([['\xff', 1], ['\x80', 2], ['\x7f', 3], ['', 4]]), 'd0:i4e1:\x7fi3e1:\x80i2e1:\xffi1ee'],
  ['null-prototype object', Object.assign(Object.create(null) as Record<string, BencodeInput>, { k: 1 }), 'd1:ki1ee'],
  ['a shared (not cyclic) value twice', (() => { const x = [1]; return [x, x]; })(), 'lli1eeli1eee'],
];

describe('encode', () => {
  test.each(valid)('%s', (_name, value, expected) => {
    expect(encoded(value)).toBe(expected);
  });

  test('object keys sort by UTF-8 bytes even where UTF-16 order differs', () => {
    // U+FF21 is one UTF-16 unit 0xFF21; U+1F600 starts with 0xD83D, so UTF-16 sorts it first,
    // but its UTF-8 bytes (F0...) sort after U+FF21's (EF...).
    const out = encoded({ '\u{1f600}': 1, '\uff21': 2 });
    expect(out).toBe('d3:\xef\xbc\xa1i2e4:\xf0\x9f\x98\x80i1ee');
  });

  test('100000 nested lists encode without overflowing the stack', () => {
    let v: BencodeInput[] = [];
    for (let i = 1; i < 100_000; i++) v = [v];
    const out = encode(v);
    expect(out.length).toBe(200_000);
    expect(bytesToLatin1(out.subarray(99_998, 100_002))).toBe('llee');
  });

  test('the result is an exact-size plain Uint8Array', () => {
    const out = encode({ pieces: new Uint8Array(1000) });
    expect(out.constructor).toBe(Uint8Array);
    expect(out.buffer.byteLength).toBe(out.length);
  });
});

const unencodable: [name: string, value: unknown][] = [
  ['a fraction', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['a symbol', Symbol('s')],
  ['a function', () => 1],
  ['a Date', new Date(0)],
  ['a Set', new Set([1])],
  ['a class instance', new (class Point { x = 1; })()],
  ['an Int32Array', new Int32Array(1)],
  ['a DataView', new DataView(new ArrayBuffer(1))],
  ['an ArrayBuffer', new ArrayBuffer(1)],
  ['null inside a list', [1, null]],
  ['undefined inside a list', [undefined]],
  ['a boolean deep inside', { a: [{ b: true }] }],
  ['a lone high surrogate in a string', 'a\ud800b'],
  ['a lone low surrogate in a key', { '\udc00': 1 }],
  ['a Map key above U+00FF', new Map([['\u0100', 1]])],
  ['a non-string Map key', new Map([[1, 1]])],
  ['undefined as a Map value', new Map([['a', undefined]])],
];

describe('encode refuses what bencode cannot hold', () => {
  test.each(unencodable)('%s -> UNENCODABLE at offset -1', (_name, value) => {
    let caught: unknown;
    try {
      encode(value as BencodeInput);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BencodeError);
    expect(caught).toMatchObject({ code: 'UNENCODABLE', offset: -1 });
  });

  test('a value that contains itself is refused rather than encoded forever', () => {
    const list: BencodeInput[] = [1];
    list.push(list);
    expect(() => encode(list)).toThrow('contains itself');
    const obj: Record<string, BencodeInput> = {};
    obj['self'] = new Map([['again', obj]]);
    expect(() => encode(obj)).toThrow('contains itself');
  });

  test('a cycle longer than the depth at which tracking starts is refused too', () => {
    const outer: BencodeInput[] = [];
    let inner = outer;
    for (let i = 0; i < 200; i++) {
      const next: BencodeInput[] = [];
      inner.push(next);
      inner = next;
    }
    inner.push(outer);
    expect(() => encode(outer)).toThrow('contains itself');
  });

  test('a deep value reached twice through different paths is not a cycle', () => {
    let deep: BencodeInput[] = [];
    for (let i = 1; i < 100; i++) deep = [deep];
    const out = bytesToLatin1(encode([deep, { again: deep }]));
    expect(out).toBe(`l${'l'.repeat(100)}${'e'.repeat(100)}d5:again${'l'.repeat(100)}${'e'.repeat(100)}ee`);
  });

  test('after a failed encode, the next encode is unaffected', () => {
    expect(() => encode(['x'.repeat(100), true] as unknown as BencodeInput)).toThrow(BencodeError);
    expect(encoded(['ok'])).toBe('l2:oke');
  });

  test('a value larger than one output chunk, with large and small byte strings, encodes whole', () => {
    const big = Uint8Array.from({ length: 150_000 }, (_, i) => i & 0xff);
    const value = [big, 'x'.repeat(70_000), new Uint8Array(5).fill(1), big.subarray(0, 2000)];
    const out = encode(value);
    expect(out.length).toBe(encodedLength(value));
    const expected = `l150000:${bytesToLatin1(big)}70000:${'x'.repeat(70_000)}5:${'\x01'.repeat(5)}2000:${bytesToLatin1(big.subarray(0, 2000))}e`;
    expect(bytesToLatin1(out) === expected).toBe(true);
  });
});

describe('encodedLength', () => {
  test.each(valid)('matches encode for %s', (_name, value) => {
    expect(encodedLength(value)).toBe(encode(value).length);
  });

  test('refuses what encode refuses', () => {
    expect(() => encodedLength([true] as unknown as BencodeInput)).toThrow(BencodeError);
  });
});

describe('encodeInto', () => {
  test('writes at the offset and returns the byte count', () => {
    const target = new Uint8Array(16).fill(0x2e); // '.'
    const written = encodeInto({ a: [1, 'x'] }, target, 2);
    expect(written).toBe('d1:ali1e1:xee'.length);
    expect(bytesToLatin1(target)).toBe('..d1:ali1e1:xee.');
  });

  test('writes exactly to the end of a buffer of the exact size', () => {
    const target = new Uint8Array(encodedLength('spam'));
    expect(encodeInto('spam', target)).toBe(6);
    expect(bytesToLatin1(target)).toBe('4:spam');
  });

  test('a target too small is a RangeError and is left untouched', () => {
    const target = new Uint8Array(5).fill(7);
    expect(() => encodeInto('spam', target)).toThrow(RangeError);
    expect(() => encodeInto('spam', new Uint8Array(8), 3)).toThrow(RangeError);
    expect([...target]).toEqual([7, 7, 7, 7, 7]);
  });

  test('an unencodable value leaves the target untouched', () => {
    const target = new Uint8Array(16).fill(7);
    expect(() => encodeInto([1, 2, 1.5] as BencodeInput, target)).toThrow(BencodeError);
    expect(target.every((b) => b === 7)).toBe(true);
  });

  test.each([-1, 1.5, 6])('offset %p outside the target is a RangeError', (offset) => {
    expect(() => encodeInto('', new Uint8Array(5), offset)).toThrow(RangeError);
  });
});
