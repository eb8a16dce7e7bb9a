// Differential test against the npm `bencode` package (4.0.1) on random valid canonical input: both
// must decode to the same structure and encode to the same bytes. The inputs stay inside what npm
// bencode handles correctly: safe integers (it sums digits as doubles), ASCII keys (it decodes keys as
// UTF-8 text) and no `__proto__` key (it assigns keys onto a plain object).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import npmBencode from 'bencode';
import { bencodeValue } from '../test/arbitraries.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { isBytes, isDict, isList } from './guards.js';
import type { BencodeValue } from './types.js';

const asciiKey = fc.string({ unit: 'binary-ascii', maxLength: 8 }).filter((k) => k !== '__proto__');
const value = bencodeValue({ integer: fc.maxSafeInteger(), key: asciiKey });

/** A tagged tree both decoders' outputs can be turned into, so they compare field by field. */
type Shape = ['int', number] | ['bytes', number[]] | ['list', Shape[]] | ['dict', [string, Shape][]];

function ourShape(v: BencodeValue): Shape {
  if (typeof v === 'number') return ['int', v];
  if (typeof v === 'bigint') throw new Error('test inputs hold only safe integers');
  if (isBytes(v)) return ['bytes', [...v]];
  if (isList(v)) return ['list', v.map(ourShape)];
  return ['dict', [...v].map(([k, m]): [string, Shape] => [k, ourShape(m)])];
}

function npmShape(v: unknown): Shape {
  if (typeof v === 'number') return ['int', v];
  if (v instanceof Uint8Array) return ['bytes', [...v]];
  if (Array.isArray(v)) return ['list', v.map(npmShape)];
  if (typeof v === 'object' && v !== null) {
    // A plain object lists integer-like keys ("0") first whatever the input order, so restore byte
    // order (for ASCII keys the default sort) before comparing with our Map, which keeps input order.
    const keys = Object.keys(v).sort();
    return ['dict', keys.map((k): [string, Shape] => [k, npmShape((v as Record<string, unknown>)[k])])];
  }
  throw new Error(`npm bencode returned an unexpected ${typeof v}`);
}

/** Our value in the form npm bencode encodes: plain objects for dicts. */
function toNpmInput(v: BencodeValue): unknown {
  if (isList(v)) return v.map(toNpmInput);
  if (isDict(v)) return Object.fromEntries([...v].map(([k, m]) => [k, toNpmInput(m)]));
  return v;
}

describe('agreement with npm bencode 4.0.1 on valid canonical input', () => {
  test('both decode to the same structure', () => {
    fc.assert(fc.property(value, (v) => {
      const bytes = encode(v);
      expect(ourShape(decode(bytes))).toEqual(npmShape(npmBencode.decode(bytes)));
    }), { numRuns: 300 });
  });

  test('both encode to the same bytes', () => {
    fc.assert(fc.property(value, (v) => {
      expect(encode(v)).toEqual(npmBencode.encode(toNpmInput(v)));
    }), { numRuns: 300 });
  });

  test('a realistic torrent-like dict agrees too', () => {
    const torrent = new Map<string, BencodeValue>([
      ['announce', new TextEncoder().encode('http://tracker.example/announce')],
      ['info', new Map<string, BencodeValue>([
        ['files', [new Map<string, BencodeValue>([['length', 12345], ['path', [new TextEncoder().encode('a.txt')]]])]],
        ['name', new TextEncoder().encode('dir')],
        ['piece length', 262144],
        ['pieces', new Uint8Array(40).fill(0xab)],
      ])],
    ]);
    const bytes = encode(torrent);
    expect(bytes).toEqual(npmBencode.encode(toNpmInput(torrent)));
    expect(ourShape(decode(bytes))).toEqual(npmShape(npmBencode.decode(bytes)));
  });
});
