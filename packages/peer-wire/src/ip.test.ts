import { expect, test } from '@jest/globals';
import { formatIp, parseIp } from './ip.js';
import { hex } from './testing/wire-table.js';

// The text forms themselves are tested in @typetorrent/metainfo (ip-address.test.ts); these check
// what this package adds: its own error for a bad argument.

test('IPv4 and IPv6 round-trip through text', () => {
  expect(parseIp('127.0.0.1')).toEqual(hex('7f000001'));
  expect(formatIp(hex('c0a80101'))).toBe('192.168.1.1');
  expect(formatIp(parseIp('2001:0DB8::1'))).toBe('2001:db8::1');
});

test('an IPv4-mapped address is written as its IPv4 address', () => {
  expect(formatIp(hex('00000000000000000000ffff01020304'))).toBe('1.2.3.4');
});

test.each(['', '1.2.3.256', 'localhost', '1::2::3'])('%j is an invalid-argument WireError', (text) => {
  expect(() => parseIp(text)).toThrow(expect.objectContaining({ name: 'WireError', code: 'invalid-argument', field: 'host' }));
});

test('an address that is neither 4 nor 16 bytes is an invalid-argument WireError', () => {
  expect(() => formatIp(new Uint8Array(5))).toThrow(expect.objectContaining({ name: 'WireError', code: 'invalid-argument', field: 'ip' }));
});
