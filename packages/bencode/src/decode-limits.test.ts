import { runInNewContext } from 'node:vm';
import { describe, expect, test } from '@jest/globals';
import { decode } from './decode.js';
import { BencodeError } from './errors.js';
import { latin1ToBytes } from './bytes.js';
import { isList } from './guards.js';
import type { BencodeValue } from './types.js';

const raw = (s: string): Uint8Array => latin1ToBytes(s);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof BencodeError) return `${e.code}@${e.offset}`;
    throw e;
  }
  return undefined;
}

/** Depth of a chain of singly nested lists, counted with a loop so the check itself cannot overflow. */
function nestedListDepth(v: BencodeValue): number {
  let depth = 0;
  let current: BencodeValue | undefined = v;
  while (isList(current)) {
    depth++;
    current = current[0];
  }
  return depth;
}

const nested = (n: number): Uint8Array => raw('l'.repeat(n) + 'e'.repeat(n));

describe('nesting depth', () => {
  test('100000 nested lists fail with TOO_DEEP at the first list past the default limit of 128', () => {
    expect(codeOf(() => decode(nested(100_000)))).toBe('TOO_DEEP@128');
  });

  test('exactly maxDepth levels decode, one more does not', () => {
    expect(nestedListDepth(decode(nested(128)))).toBe(128);
    expect(codeOf(() => decode(nested(129)))).toBe('TOO_DEEP@128');
    expect(codeOf(() => decode(raw('d1:ad1:ad1:aleeee'), { maxDepth: 3 }))).toBe('TOO_DEEP@12');
  });

  test('with maxDepth raised to 200000, 100000 nested lists decode without overflowing the stack', () => {
    expect(nestedListDepth(decode(nested(100_000), { maxDepth: 200_000 }))).toBe(100_000);
  });

  test('maxDepth 0 allows only a scalar at the root', () => {
    expect(decode(raw('i7e'), { maxDepth: 0 })).toBe(7);
    expect(codeOf(() => decode(raw('le'), { maxDepth: 0 }))).toBe('TOO_DEEP@0');
  });
});

describe('size limits', () => {
  test('maxItems counts every value (not keys), containers included', () => {
    // l, i1e, d, 1:a's value i2e = 4 values
    const input = raw('li1ed1:ai2eee');
    expect(decode(input, { maxItems: 4 })).toEqual([1, new Map([['a', 2]])]);
    expect(codeOf(() => decode(input, { maxItems: 3 }))).toBe('TOO_MANY_ITEMS@8');
  });

  test('the default maxItems stops a flood of tiny values', () => {
    const flood = Buffer.from(`l${'i0e'.repeat(2_000_001)}e`, 'latin1');
    // The list is value 1; the n-th 'i0e' is value n + 1 at offset 1 + 3(n - 1), so value 2,000,001 is at 5,999,998.
    expect(codeOf(() => decode(flood))).toBe('TOO_MANY_ITEMS@5999998');
  });

  test('input longer than maxInputLength fails before any parsing, at the limit offset', () => {
    expect(codeOf(() => decode(raw('4:spam'), { maxInputLength: 5 }))).toBe('INPUT_TOO_LARGE@5');
    expect(decode(raw('4:spam'), { maxInputLength: 6 })).toEqual(raw('spam'));
  });

  test('the default maxInputLength is 64 MiB', () => {
    const big = new Uint8Array(64 * 1024 * 1024 + 1);
    expect(codeOf(() => decode(big))).toBe(`INPUT_TOO_LARGE@${64 * 1024 * 1024}`);
  });

  test('integers longer than 1024 digits are refused before the costly bigint parse', () => {
    expect(decode(raw(`i${'9'.repeat(1024)}e`))).toBe(BigInt('9'.repeat(1024)));
    expect(codeOf(() => decode(raw(`i-${'9'.repeat(1025)}e`)))).toBe('INVALID_INTEGER@2');
  });

  test('a huge claimed string length fails at the length, allocating nothing', () => {
    expect(codeOf(() => decode(raw('4294967296:x')))).toBe('LENGTH_PAST_END@0');
  });

  test.each([
    [{ maxDepth: -1 }],
    [{ maxItems: 1.5 }],
    [{ maxInputLength: Number.NaN }],
  ])('invalid limit %j is a RangeError, not a silently disabled check', (options) => {
    expect(() => decode(raw('i1e'), options)).toThrow(RangeError);
  });
});

describe('hostile input', () => {
  test('"l-3:e", which hangs npm bencode 4.0.1, throws INVALID_LENGTH', () => {
    expect(codeOf(() => decode(raw('l-3:e')))).toBe('INVALID_LENGTH@1');
  });

  test('a __proto__ key is an ordinary Map entry and leaves Object.prototype alone', () => {
    const value = decode(raw('d9:__proto__d1:ai1eee'));
    expect(value).toBeInstanceOf(Map);
    expect((value as Map<string, BencodeValue>).get('__proto__')).toEqual(new Map([['a', 1]]));
    expect(Object.prototype).not.toHaveProperty('a');
    expect(({} as Record<string, unknown>)['a']).toBeUndefined();
  });

  test('constructor and prototype keys are ordinary too', () => {
    const value = decode(raw('d11:constructori1e9:prototypei2ee')) as Map<string, BencodeValue>;
    expect([...value.entries()]).toEqual([['constructor', 1], ['prototype', 2]]);
  });

  test('a non-Uint8Array input is a TypeError', () => {
    expect(() => decode('i1e' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('options', () => {
  test('lenientKeyOrder accepts unsorted keys and keeps them all', () => {
    const input = raw('d1:bi1e1:ai2ee');
    expect(codeOf(() => decode(input))).toBe('UNSORTED_KEY@7');
    expect(decode(input, { lenientKeyOrder: true })).toEqual(new Map([['b', 1], ['a', 2]]));
  });

  test('lenientKeyOrder still rejects a duplicate key, adjacent or not', () => {
    expect(codeOf(() => decode(raw('d1:bi1e1:bi2ee'), { lenientKeyOrder: true }))).toBe('DUPLICATE_KEY@7');
    expect(codeOf(() => decode(raw('d1:bi1e1:ai2e1:bi3ee'), { lenientKeyOrder: true }))).toBe('DUPLICATE_KEY@13');
  });

  test('allowTrailing returns the first value and ignores the rest', () => {
    expect(decode(raw('i1ejunk'), { allowTrailing: true })).toBe(1);
    expect(decode(raw('d1:ai1eeXYZ'), { allowTrailing: true })).toEqual(new Map([['a', 1]]));
  });

  test('allowTrailing does not excuse a malformed first value', () => {
    expect(codeOf(() => decode(raw('i01e'), { allowTrailing: true }))).toBe('LEADING_ZERO@1');
  });
});

describe('byte strings are views into the input', () => {
  test('no copy: a decoded string shares memory with the input', () => {
    const input = raw('l4:spame');
    const [spam] = decode(input) as [Uint8Array];
    input[3] = 0x53; // 'S'
    expect(spam).toEqual(raw('Spam'));
    expect(spam.buffer).toBe(input.buffer);
    expect(spam.byteOffset).toBe(3);
  });

  test('a Buffer input yields plain Uint8Array values, never Buffers', () => {
    const [spam] = decode(Buffer.from('l4:spame')) as [Uint8Array];
    expect(spam.constructor).toBe(Uint8Array);
    expect(spam).toEqual(raw('spam'));
  });

  test('a Uint8Array from another realm decodes to values of this realm', () => {
    const foreign = runInNewContext('new Uint8Array([108, 49, 58, 120, 101])') as Uint8Array; // "l1:xe"
    const [x] = decode(foreign) as [Uint8Array];
    expect(x).toBeInstanceOf(Uint8Array);
    expect(x).toEqual(raw('x'));
  });

  test('a Uint8Array that is itself a window into a larger buffer decodes only its window', () => {
    const backing = raw('xxi5eyy');
    expect(decode(backing.subarray(2, 5))).toBe(5);
  });
});
