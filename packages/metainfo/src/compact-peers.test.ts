import { describe, expect, test } from '@jest/globals';
import { addressFamily, decodeCompactPeers, encodeCompactPeers } from './compact-peers.js';
import { MetainfoError } from './errors.js';
import { hexToBytes } from './hex.js';

const fromHex = (hex: string): Uint8Array => hexToBytes(hex.replace(/ /g, ''))!;

describe('decodeCompactPeers', () => {
  test('reads BEP 23 IPv4 entries: address then big-endian port', () => {
    expect(decodeCompactPeers(fromHex('7f000001 1ae1 0a000002 c8d5'), 4)).toEqual([
      { host: '127.0.0.1', port: 6881 },
      { host: '10.0.0.2', port: 51413 },
    ]);
  });

  test('reads BEP 7 IPv6 entries in RFC 5952 text', () => {
    expect(decodeCompactPeers(fromHex('00000000000000000000000000000001 1ae1'), 6)).toEqual([{ host: '::1', port: 6881 }]);
  });

  test('an IPv4-mapped IPv6 entry is the same peer as the IPv4 entry', () => {
    const v4 = decodeCompactPeers(fromHex('7f000001 1ae1'), 4);
    const mapped = decodeCompactPeers(fromHex('00000000000000000000ffff7f000001 1ae1'), 6);
    expect(mapped).toEqual(v4);
  });

  test('entries with port 0 are dropped, the rest kept in order', () => {
    expect(decodeCompactPeers(fromHex('01020304 0000 05060708 0050'), 4)).toEqual([{ host: '5.6.7.8', port: 80 }]);
  });

  test('a length that is not a whole number of entries is BAD_PEER_LIST naming the field', () => {
    const error = (() => {
      try {
        decodeCompactPeers(new Uint8Array(7), 4, 'peers6');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MetainfoError);
    expect(error).toMatchObject({ code: 'BAD_PEER_LIST', field: 'peers6' });
  });

  test('an empty list is no peers', () => {
    expect(decodeCompactPeers(new Uint8Array(0), 6)).toEqual([]);
  });
});

describe('encodeCompactPeers', () => {
  test('round-trips through decodeCompactPeers', () => {
    const peers = [
      { host: '1.2.3.4', port: 1 },
      { host: '255.255.255.255', port: 65535 },
    ];
    expect(decodeCompactPeers(encodeCompactPeers(peers, 4), 4)).toEqual(peers);
    const six = [{ host: '2001:db8::1', port: 6881 }];
    expect(decodeCompactPeers(encodeCompactPeers(six, 6), 6)).toEqual(six);
  });

  test('IPv4-mapped text goes into the IPv4 list; IPv4 in an IPv6 list is written mapped', () => {
    expect(encodeCompactPeers([{ host: '::ffff:1.2.3.4', port: 80 }], 4)).toEqual(fromHex('01020304 0050'));
    expect(encodeCompactPeers([{ host: '1.2.3.4', port: 80 }], 6)).toEqual(fromHex('00000000000000000000ffff01020304 0050'));
  });

  test('port-0 peers are left out', () => {
    expect(encodeCompactPeers([{ host: '1.2.3.4', port: 0 }, { host: '1.2.3.5', port: 1 }], 4)).toEqual(fromHex('01020305 0001'));
  });

  test.each([
    ['a host name', { host: 'example.org', port: 1 }, 4, 'peers[0].host'],
    ['IPv6 in an IPv4 list', { host: '2001:db8::1', port: 1 }, 4, 'peers[0].host'],
    ['a port above 65535', { host: '1.2.3.4', port: 65536 }, 4, 'peers[0].port'],
    ['a fractional port', { host: '1.2.3.4', port: 1.5 }, 6, 'peers[0].port'],
  ] as const)('%s is BAD_PEER_ADDRESS', (_name, peer, family, field) => {
    expect(() => encodeCompactPeers([peer], family)).toThrow(expect.objectContaining({ code: 'BAD_PEER_ADDRESS', field }));
  });
});

test('addressFamily puts IPv4-mapped text with IPv4 and names nowhere', () => {
  expect(addressFamily('1.2.3.4')).toBe(4);
  expect(addressFamily('::ffff:1.2.3.4')).toBe(4);
  expect(addressFamily('::1')).toBe(6);
  expect(addressFamily('example.org')).toBeUndefined();
});
