import { describe, expect, test } from '@jest/globals';
import { peerKey, uniquePeers, withoutSelf } from './peers.js';

describe('uniquePeers', () => {
  test('keeps the first of each host and port, in order; same host with another port is another peer', () => {
    const peers = [
      { host: '127.0.0.1', port: 1 },
      { host: '127.0.0.1', port: 2 },
      { host: '127.0.0.1', port: 1, peerId: new Uint8Array(20) },
      { host: '::1', port: 1 },
    ];
    expect(uniquePeers(peers)).toEqual([peers[0], peers[1], peers[3]]);
  });

  test('peerKey brackets IPv6 hosts', () => {
    expect(peerKey({ host: '::1', port: 80 })).toBe('[::1]:80');
    expect(peerKey({ host: '1.2.3.4', port: 80 })).toBe('1.2.3.4:80');
  });
});

describe('withoutSelf', () => {
  test('drops loopback and unspecified peers on our own port, keeps other ports and hosts', () => {
    const peers = [
      { host: '127.0.0.1', port: 6881 },
      { host: '::1', port: 6881 },
      { host: '::ffff:127.0.0.1', port: 6881 },
      { host: '0.0.0.0', port: 6881 },
      { host: '127.0.0.1', port: 6882 },
      { host: '10.0.0.1', port: 6881 },
    ];
    expect(withoutSelf(peers, 6881)).toEqual([peers[4], peers[5]]);
  });

  test('drops our known public address too', () => {
    expect(withoutSelf([{ host: '203.0.113.5', port: 6881 }], 6881, ['203.0.113.5'])).toEqual([]);
  });
});
