import { describe, expect, test } from '@jest/globals';
import { formatIp, parseIp } from './ip.js';
import { hex } from './testing/wire-table.js';

describe('IPv6 text is written in RFC 5952 form', () => {
  test.each([
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['20010db8000000010000000000000000', '2001:db8:0:1::'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100010001000100010001', '2001:db8:1:1:1:1:1:1'],
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
  ])('%s -> %s', (bytes, text) => {
    expect(formatIp(hex(bytes))).toBe(text);
    expect(parseIp(text)).toEqual(hex(bytes));
  });
});

test('IPv6 text in other spellings parses to the same bytes', () => {
  expect(parseIp('2001:0DB8:0:0:0:0:0:1')).toEqual(parseIp('2001:db8::1'));
  expect(parseIp('::ffff:1.2.3.4')).toEqual(hex('00000000000000000000ffff01020304'));
  expect(parseIp('64:ff9b::192.0.2.33')).toEqual(hex('0064ff9b0000000000000000c0000221'));
});

test('IPv4 text round-trips as 4 bytes', () => {
  expect(parseIp('127.0.0.1')).toEqual(hex('7f000001'));
  expect(formatIp(hex('c0a80101'))).toBe('192.168.1.1');
});

test.each(['', '1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'localhost', '::ffff:1.2.3', '1:2:3:4:5:6:7::8'])(
  '%j is not an IP address',
  (text) => {
    expect(() => parseIp(text)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  },
);
