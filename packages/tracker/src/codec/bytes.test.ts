import { describe, expect, test } from '@jest/globals';
import { latin1Bytes, percentEncodeBytes, toHex } from './bytes.js';

describe('percentEncodeBytes', () => {
  test.each([
    ['unreserved bytes pass through', [0x41, 0x7a, 0x30, 0x2d, 0x2e, 0x5f, 0x7e], 'Az0-._~'],
    ['reserved and high bytes become uppercase %XX', [0x20, 0x2b, 0x26, 0x3d, 0x25, 0xff, 0x00], '%20%2B%26%3D%25%FF%00'],
    ['slash is escaped (it is a path separator in URLs)', [0x2f], '%2F'],
    ['empty input gives empty text', [], ''],
  ])('%s', (_name, bytes, expected) => {
    expect(percentEncodeBytes(Uint8Array.from(bytes))).toBe(expected);
  });

  test('every byte value survives encoding and %XX decoding', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = percentEncodeBytes(all);
    expect(text).toMatch(/^[A-Za-z0-9\-._~%]+$/);
    const roundTrip = latin1Bytes(text.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
    expect(roundTrip).toEqual(all);
  });
});

test('toHex writes two lowercase digits per byte', () => {
  expect(toHex(Uint8Array.from([0, 1, 0xab, 0xff]))).toBe('0001abff');
});
