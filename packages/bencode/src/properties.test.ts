import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { bencodeValue } from '../test/arbitraries.js';
import { bytesToLatin1, latin1ToBytes, utf8 } from './bytes.js';
import { decode, decodeWithSpans } from './decode.js';
import { encode, encodedLength, encodeInto } from './encode.js';
import { BencodeError } from './errors.js';
import { isDict, isList } from './guards.js';
import type { BencodeValue, Span } from './types.js';

const NUM_RUNS = 300;

function decodeOutcome(input: Uint8Array): 'ok' | BencodeError {
  try {
    decode(input);
    return 'ok';
  } catch (e) {
    if (e instanceof BencodeError) return e;
    throw e;
  }
}

describe('round trips', () => {
  test('decode(encode(v)) equals v', () => {
    fc.assert(fc.property(bencodeValue(), (v) => {
      expect(decode(encode(v))).toEqual(v);
    }), { numRuns: NUM_RUNS });
  });

  test('encoded output is canonical: re-encoding the decoded value gives the same bytes', () => {
    fc.assert(fc.property(bencodeValue(), (v) => {
      const bytes = encode(v);
      expect(encode(decode(bytes))).toEqual(bytes);
    }), { numRuns: NUM_RUNS });
  });

  test('encodedLength and encodeInto agree with encode', () => {
    fc.assert(fc.property(bencodeValue(), fc.nat(8), (v, offset) => {
      const bytes = encode(v);
      expect(encodedLength(v)).toBe(bytes.length);
      const target = new Uint8Array(offset + bytes.length);
      expect(encodeInto(v, target, offset)).toBe(bytes.length);
      expect(target.subarray(offset)).toEqual(bytes);
    }), { numRuns: NUM_RUNS });
  });

  test('lenient key order decodes canonical input exactly as strict does', () => {
    fc.assert(fc.property(bencodeValue(), (v) => {
      const bytes = encode(v);
      expect(decode(bytes, { lenientKeyOrder: true })).toEqual(decode(bytes));
    }), { numRuns: NUM_RUNS });
  });

  test('plain objects with text keys decode to Maps keyed by the UTF-8 bytes of each key', () => {
    const textKeyed = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.integer(), { maxKeys: 6 });
    fc.assert(fc.property(textKeyed, (obj) => {
      const decoded = decode(encode(obj));
      if (!isDict(decoded)) throw new Error('expected a dict');
      const back = Object.fromEntries([...decoded].map(([k, v]) => [utf8(latin1ToBytes(k)), v]));
      expect(back).toEqual(obj);
      // Map order is input order, which for canonical input is byte order.
      const keys = [...decoded.keys()];
      expect(keys).toEqual([...keys].sort());
    }), { numRuns: NUM_RUNS });
  });
});

describe('spans', () => {
  test('every member span, decoded on its own, gives back the member', () => {
    fc.assert(fc.property(bencodeValue(), (v) => {
      const input = encode(v);
      const d = decodeWithSpans(input);
      const membersWithSpans = (c: BencodeValue): [BencodeValue, Span | undefined][] => {
        if (isDict(c)) return [...c].map(([k, m]) => [m, d.spanOfKey(c, k)]);
        if (isList(c)) return c.map((m, i) => [m, d.spanOfIndex(c, i)]);
        return [];
      };
      const pending: BencodeValue[] = [d.value];
      for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        for (const [member, span] of membersWithSpans(next)) {
          expect(span).toBeDefined();
          expect(decode(input.subarray(span?.start, span?.end))).toEqual(member);
          pending.push(member);
        }
      }
    }), { numRuns: NUM_RUNS });
  });
});

describe('malformed input', () => {
  // Bytes that bencode gives meaning to, so random strings reach deep into the parser.
  const meaningful = fc.constantFrom(...latin1ToBytes('ilde0123456789:-'), 0x78, 0x00, 0xff);
  const noisyInput = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.array(meaningful, { maxLength: 64 }).map((bytes) => Uint8Array.from(bytes)),
  );

  test('random bytes either decode or throw a BencodeError, each well within 1 s', () => {
    fc.assert(fc.property(noisyInput, (input) => {
      const started = performance.now();
      const outcome = decodeOutcome(input);
      expect(performance.now() - started).toBeLessThan(1000);
      if (outcome !== 'ok') {
        expect(outcome.offset).toBeGreaterThanOrEqual(0);
        expect(outcome.offset).toBeLessThanOrEqual(input.length);
      }
    }), { numRuns: 2000 });
  });

  test('every proper prefix of a valid encoding is rejected as truncated', () => {
    fc.assert(fc.property(bencodeValue(), (v) => {
      const bytes = encode(v);
      const outcomes = new Set<string>();
      for (let cut = 0; cut < bytes.length; cut++) {
        const outcome = decodeOutcome(bytes.subarray(0, cut));
        outcomes.add(outcome === 'ok' ? 'ok' : outcome.code);
      }
      for (const outcome of outcomes) expect(outcome).toMatch(/^(UNEXPECTED_END|LENGTH_PAST_END)$/);
    }), { numRuns: 50 });
  });

  test('a valid encoding with one byte changed decodes or throws a BencodeError', () => {
    const mutated = bencodeValue().chain((v) => {
      const bytes = encode(v);
      return fc.tuple(fc.constant(bytes), fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }));
    });
    fc.assert(fc.property(mutated, ([bytes, at, byte]) => {
      const copy = bytes.slice();
      copy[at] = byte;
      const outcome = decodeOutcome(copy);
      // Whatever decodes must be re-encodable and, when canonical, reproduce the input exactly.
      if (outcome === 'ok') {
        const again = encode(decode(copy));
        expect(bytesToLatin1(again)).toBe(bytesToLatin1(copy));
      }
    }), { numRuns: NUM_RUNS });
  });
});
