// Integer and string-length parsing straight from bytes: no intermediate strings except for integers
// too long to be exact as a double, which go through BigInt.
import { bytesToLatin1 } from './bytes.js';
import { BencodeError } from './errors.js';
import { MAX_INTEGER_DIGITS } from './options.js';

export const ZERO = 0x30;
export const NINE = 0x39;
export const MINUS = 0x2d;
export const COLON = 0x3a;
export const LETTER_E = 0x65;

/** Up to 15 decimal digits always fit a double exactly (10^15 < 2^53), so they are summed as numbers. */
const EXACT_DIGITS = 15;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Result of one scalar parse: the value and the offset just past it. Reused to avoid allocation. */
export interface Cursor<T> {
  value: T;
  next: number;
}

function isDigit(c: number | undefined): c is number {
  return c !== undefined && c >= ZERO && c <= NINE;
}

/**
 * Parses `i<digits>e` whose 'i' is at `start`. Rejects an empty integer (`ie`, `i-e`), leading zeros
 * (`i03e`), negative zero (`i-0e`) and any byte other than a digit before the 'e'.
 */
export function readInteger(input: Uint8Array, start: number, out: Cursor<number | bigint>): void {
  const end = input.length;
  let i = start + 1;
  let negative = false;
  if (input[i] === MINUS) {
    negative = true;
    i++;
  }
  const first = i;
  if (i >= end) throw new BencodeError('UNEXPECTED_END', end, 'input ends inside an integer');
  if (!isDigit(input[i])) throw new BencodeError('INVALID_INTEGER', i, 'integer has no digits');
  if (input[i] === ZERO && i + 1 < end) {
    if (isDigit(input[i + 1])) throw new BencodeError('LEADING_ZERO', i, 'leading zero in integer');
    if (negative) throw new BencodeError('NEGATIVE_ZERO', first - 1, 'negative zero integer');
  }
  let sum = 0;
  let c = input[i];
  while (isDigit(c)) {
    sum = sum * 10 + (c - ZERO);
    c = input[++i];
  }
  if (c !== LETTER_E) {
    if (i >= end) throw new BencodeError('UNEXPECTED_END', end, 'input ends inside an integer');
    throw new BencodeError('INVALID_INTEGER', i, 'unexpected byte in integer');
  }
  const digits = i - first;
  out.next = i + 1;
  if (digits <= EXACT_DIGITS) {
    out.value = negative ? -sum : sum;
    return;
  }
  if (digits > MAX_INTEGER_DIGITS) {
    throw new BencodeError('INVALID_INTEGER', first, `integer longer than ${MAX_INTEGER_DIGITS} digits`);
  }
  // The double sum above may have rounded; redo it exactly.
  const big = BigInt(bytesToLatin1(input.subarray(first, i)));
  const value = negative ? -big : big;
  out.value = value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/**
 * Parses the `<length>:` prefix of a byte string whose first digit is at `start`, and returns in
 * `out` the length, with `out.next` at the first content byte. The length is checked against the
 * bytes that remain before anything is allocated.
 */
export function readLength(input: Uint8Array, start: number, out: Cursor<number>): void {
  const end = input.length;
  let i = start;
  let c = input[i];
  if (c === ZERO && isDigit(input[i + 1])) {
    throw new BencodeError('LEADING_ZERO', i, 'leading zero in string length');
  }
  let length = 0;
  while (isDigit(c)) {
    // Saturate once the length exceeds the whole input: it is past the end whatever digits follow,
    // and the sum stays an exact small integer however long the run of digits.
    if (length <= end) length = length * 10 + (c - ZERO);
    c = input[++i];
  }
  if (c !== COLON) {
    if (i >= end) throw new BencodeError('UNEXPECTED_END', end, 'input ends inside a string length');
    throw new BencodeError('INVALID_LENGTH', i, 'unexpected byte in string length');
  }
  const content = i + 1;
  if (length > end - content) {
    throw new BencodeError('LENGTH_PAST_END', start, 'string length past end of input');
  }
  out.value = length;
  out.next = content;
}
