import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { thrown } from '../test/fixtures.js';
import { base32ToBytes, hexToBytes, infoHashFromHex, toHex } from './hex.js';

describe('hex', () => {
  test('round-trips any bytes in lowercase', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toMatch(/^[0-9a-f]*$/);
        expect(hexToBytes(hex)).toEqual(bytes);
        expect(hexToBytes(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  test('infoHashFromHex wants exactly 40 hex characters', () => {
    expect(toHex(infoHashFromHex('C12FE1C06BBA254A9DC9F519B335AA7C1367A88A'))).toBe('c12fe1c06bba254a9dc9f519b335aa7c1367a88a');
    for (const bad of ['', 'abc', 'g'.repeat(40), 'a'.repeat(41), 'a'.repeat(64)]) {
      expect(thrown(() => infoHashFromHex(bad))).toMatchObject({ code: 'BAD_INFO_HASH', field: 'infoHash' });
    }
  });
});

describe('base32 (RFC 4648, as BEP 9 allows for urn:btih)', () => {
  test('decodes a known value', () => {
    // RFC 4648 test vector: BASE32("fooba") = "MZXW6YTB"; the 20-byte one is from Python's base64.b32encode.
    expect(base32ToBytes('mzxw6ytb')).toEqual(new TextEncoder().encode('fooba'));
    expect(toHex(base32ToBytes('YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK') ?? new Uint8Array())).toBe('c12fe1c06bba254a9dc9f519b335aa7c1367a88a');
  });

  test('rejects characters outside the alphabet and partial bytes', () => {
    expect(base32ToBytes('MZXW6YT1')).toBeUndefined();
    expect(base32ToBytes('MZX')).toBeUndefined();
  });
});
