import { describe, expect, test } from '@jest/globals';
import { decode } from './decode.js';
import { BencodeError, type BencodeErrorCode } from './errors.js';
import { latin1ToBytes } from './bytes.js';
import type { BencodeValue } from './types.js';

const raw = (s: string): Uint8Array => latin1ToBytes(s);
const dict = (...entries: [string, BencodeValue][]): Map<string, BencodeValue> => new Map(entries);

const valid: [input: string, expected: BencodeValue][] = [
  ['i0e', 0],
  ['i42e', 42],
  ['i-42e', -42],
  ['i999999999999999e', 999_999_999_999_999],
  ['i9007199254740991e', Number.MAX_SAFE_INTEGER],
  ['i-9007199254740991e', Number.MIN_SAFE_INTEGER],
  ['i9007199254740992e', 9007199254740992n],
  ['i-9007199254740992e', -9007199254740992n],
  // 16+ digits take the exact BigInt path; results in the safe range still come back as numbers.
  ['i1000000000000000e', 1_000_000_000_000_000],
  ['i-1000000000000000e', -1_000_000_000_000_000],
  ['i18446744073709551616e', 18446744073709551616n],
  ['0:', raw('')],
  ['4:spam', raw('spam')],
  ['3:\x00\xff\x80', raw('\x00\xff\x80')],
  ['le', []],
  ['de', new Map()],
  ['li1e4:spamlee', [1, raw('spam'), []]],
  ['d3:bar4:spam3:fooi42ee', dict(['bar', raw('spam')], ['foo', 42])],
  ['d0:i1e1:ai2ee', dict(['', 1], ['a', 2])],
  ['d1:ai1e2:aai2ee', dict(['a', 1], ['aa', 2])],
  ['d1:\x7fi1e1:\x80i2e1:\xffi3ee', dict(['\x7f', 1], ['\x80', 2], ['\xff', 3])],
  ['lld1:ai1eeee', [[dict(['a', 1])]]],
];

describe('decode accepts valid input', () => {
  test.each(valid)('%j', (input, expected) => {
    expect(decode(raw(input))).toEqual(expected);
  });
});

const invalid: [input: string, code: BencodeErrorCode, offset: number][] = [
  ['', 'UNEXPECTED_END', 0],
  ['i', 'UNEXPECTED_END', 1],
  ['i-', 'UNEXPECTED_END', 2],
  ['i12', 'UNEXPECTED_END', 3],
  ['i0', 'UNEXPECTED_END', 2],
  ['ie', 'INVALID_INTEGER', 1],
  ['i-e', 'INVALID_INTEGER', 2],
  ['i--1e', 'INVALID_INTEGER', 2],
  ['i+1e', 'INVALID_INTEGER', 1],
  ['i1.5e', 'INVALID_INTEGER', 2],
  ['i 1e', 'INVALID_INTEGER', 1],
  ['i1x', 'INVALID_INTEGER', 2],
  ['i03e', 'LEADING_ZERO', 1],
  ['i00e', 'LEADING_ZERO', 1],
  ['i-03e', 'LEADING_ZERO', 2],
  ['i-0e', 'NEGATIVE_ZERO', 1],
  [`i${'1'.repeat(1025)}e`, 'INVALID_INTEGER', 1],
  ['-3:abc', 'INVALID_LENGTH', 0],
  ['l-3:e', 'INVALID_LENGTH', 1],
  ['3x', 'INVALID_LENGTH', 1],
  ['3', 'UNEXPECTED_END', 1],
  ['03:abc', 'LEADING_ZERO', 0],
  ['00:', 'LEADING_ZERO', 0],
  ['li1e03:abce', 'LEADING_ZERO', 4],
  ['3:ab', 'LENGTH_PAST_END', 0],
  ['l5:abce', 'LENGTH_PAST_END', 1],
  ['99999999999999999999:a', 'LENGTH_PAST_END', 0],
  ['1:', 'LENGTH_PAST_END', 0],
  ['d1:bi1e1:ai2ee', 'UNSORTED_KEY', 7],
  ['d2:aai1e1:ai2ee', 'UNSORTED_KEY', 8],
  ['d1:\xffi1e1:\x7fi2ee', 'UNSORTED_KEY', 7],
  ['d1:ai1e1:ai2ee', 'DUPLICATE_KEY', 7],
  ['d1:ai1e1:bi2e1:ai3ee', 'DUPLICATE_KEY', 13],
  ['di1ei2ee', 'KEY_NOT_STRING', 1],
  ['dlei1ee', 'KEY_NOT_STRING', 1],
  ['d1:ae', 'UNEXPECTED_BYTE', 4],
  ['d1:a', 'UNEXPECTED_END', 4],
  ['d', 'UNEXPECTED_END', 1],
  ['l', 'UNEXPECTED_END', 1],
  ['li1e', 'UNEXPECTED_END', 4],
  ['e', 'UNEXPECTED_BYTE', 0],
  ['x', 'UNEXPECTED_BYTE', 0],
  ['lxe', 'UNEXPECTED_BYTE', 1],
  ['i1ee', 'TRAILING_BYTES', 3],
  ['lei1e', 'TRAILING_BYTES', 2],
  ['4:spam\n', 'TRAILING_BYTES', 6],
];

describe('decode rejects invalid input with a code and the offset of the fault', () => {
  test.each(invalid)('%j -> %s at %i', (input, code, offset) => {
    let caught: unknown;
    try {
      decode(raw(input));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BencodeError);
    expect(caught).toMatchObject({ code, offset });
    expect((caught as BencodeError).message).toContain(`at byte ${offset}`);
  });
});
