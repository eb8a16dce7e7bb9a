import { describe, expect, test } from '@jest/globals';
import { crc32c, isValidNodeId, nodeIdForIp } from './bep42.js';
import { SeededRandom } from './env.js';
import { hexToId } from './ids.js';

describe('BEP 42 node ids', () => {
  test('crc32c of "123456789" is the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  // The table of examples in BEP 42.
  test.each([
    ['124.31.75.21', '5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401'],
    ['21.75.31.124', '5a3ce9c14e7a08645677bbd1cfe7d8f956d53256'],
    ['65.23.51.170', 'a5d43220bc8f112a3d426c84764f8c2a1150e616'],
    ['84.124.73.14', '1b0321dd1bb1fe518101ceef99462b947a01ff41'],
    ['43.213.53.83', 'e56f6cbf5b7c4be0237986d5243b87aa6d51305a'],
  ])('%s may use %s', (ip, hex) => {
    expect(isValidNodeId(hexToId(hex)!, ip)).toBe(true);
    expect(isValidNodeId(hexToId(hex)!, '8.8.8.8')).toBe(false);
  });

  test('loopback and private addresses are exempt', () => {
    const id = new Uint8Array(20);
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.1', '172.16.0.9', '::1', 'fd00::1']) expect(isValidNodeId(id, ip)).toBe(true);
  });

  test('generated ids pass the check, for IPv4 and IPv6', () => {
    const random = new SeededRandom(5);
    for (const ip of ['124.31.75.21', '2001:db8::7']) {
      for (let i = 0; i < 20; i++) expect(isValidNodeId(nodeIdForIp(ip, random), ip)).toBe(true);
    }
  });
});
