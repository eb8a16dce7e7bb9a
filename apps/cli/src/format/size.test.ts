import { expect, test } from '@jest/globals';
import { formatBytes, groupDigits, parseSize } from './size.js';

test.each([
  [0, '0 B'],
  [999, '999 B'],
  [1024, '1 KiB'],
  [16384, '16 KiB'],
  [1536, '1.5 KiB'],
  [7240, '7.07 KiB'],
  [1572864, '1.5 MiB'],
  [5 * 1024 ** 3, '5 GiB'],
])('formatBytes(%d) is %j', (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});

test('groupDigits groups by thousands whatever the locale', () => {
  expect([0, 999, 1000, 1234567].map(groupDigits)).toEqual(['0', '999', '1,000', '1,234,567']);
});

test.each([
  ['262144', 262144],
  ['256K', 262144],
  ['256k', 262144],
  ['256KiB', 262144],
  ['1M', 1048576],
  ['1MB', 1048576],
  [' 2 m ', 2097152],
  ['0.5M', 524288],
])('parseSize(%j) is %d', (text, bytes) => {
  expect(parseSize(text)).toBe(bytes);
});

test.each(['', 'abc', '1T', '-1', '0', '1.5', '1KX'])('parseSize(%j) is undefined', (text) => {
  expect(parseSize(text)).toBeUndefined();
});
