import { describe, expect, test } from '@jest/globals';
import { canonicalHost, formatIpAddress, parseIpAddress, unmapIPv4 } from './ip-address.js';
import { hexToBytes } from './hex.js';

const fromHex = (hex: string): Uint8Array => hexToBytes(hex)!;

describe('IPv6 text is written in RFC 5952 form', () => {
  test.each([
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['20010db8000000010000000000000000', '2001:db8:0:1::'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100010001000100010001', '2001:db8:1:1:1:1:1:1'],
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
    ['abcd0ef0000100020003000400050006', 'abcd:ef0:1:2:3:4:5:6'],
  ])('%s -> %s', (bytes, text) => {
    expect(formatIpAddress(fromHex(bytes))).toBe(text);
    expect(parseIpAddress(text)).toEqual(fromHex(bytes));
  });
});

test('an IPv4-mapped IPv6 address is written as plain IPv4, the same text as the IPv4 address', () => {
  expect(formatIpAddress(fromHex('00000000000000000000ffff7f000001'))).toBe('127.0.0.1');
  expect(formatIpAddress(fromHex('7f000001'))).toBe('127.0.0.1');
});

test('an IPv4-compatible or NAT64 address is not unmapped', () => {
  expect(unmapIPv4(fromHex('0000000000000000000000007f000001'))).toBeUndefined();
  expect(formatIpAddress(fromHex('0064ff9b0000000000000000c0000221'))).toBe('64:ff9b::c000:221');
});

test('IPv6 text in other spellings parses to the same bytes', () => {
  expect(parseIpAddress('2001:0DB8:0:0:0:0:0:1')).toEqual(parseIpAddress('2001:db8::1'));
  expect(parseIpAddress('::ffff:1.2.3.4')).toEqual(fromHex('00000000000000000000ffff01020304'));
  expect(parseIpAddress('64:ff9b::192.0.2.33')).toEqual(fromHex('0064ff9b0000000000000000c0000221'));
});

test.each(['', '1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'localhost', '::ffff:1.2.3', '1:2:3:4:5:6:7::8'])(
  '%j is not an IP address',
  (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  },
);

test('canonicalHost respells IP literals and leaves names alone', () => {
  expect(canonicalHost('::FFFF:10.0.0.1')).toBe('10.0.0.1');
  expect(canonicalHost('2001:0db8:0:0::1')).toBe('2001:db8::1');
  expect(canonicalHost('tracker.example')).toBe('tracker.example');
});

test('a length other than 4 or 16 is a RangeError', () => {
  expect(() => formatIpAddress(new Uint8Array(5))).toThrow(RangeError);
});
