import { describe, expect, it } from '@jest/globals';
import { sessionDht } from './dht-options.js';

const base = { dht: true, announce: true, stateDir: '/state' };

describe('DHT options', () => {
  it('are on by default, with the routing table in the state folder and the public routers', () => {
    expect(sessionDht(base, {})).toEqual({ stateFile: '/state/dht.json' });
  });

  it('--no-dht turns the DHT off', () => {
    expect(sessionDht({ ...base, dht: false }, {})).toBeUndefined();
  });

  it('--no-announce keeps us out of the DHT unless bootstrap nodes are named', () => {
    expect(sessionDht({ ...base, announce: false }, {})).toBeUndefined();
    const bootstrap = [{ host: '127.0.0.1', port: 6881 }];
    expect(sessionDht({ ...base, announce: false, dhtBootstrap: bootstrap }, {})).toEqual({ stateFile: '/state/dht.json', bootstrap });
  });

  it('TYPETORRENT_DHT_BOOTSTRAP replaces the public routers (empty: none)', () => {
    expect(sessionDht(base, { TYPETORRENT_DHT_BOOTSTRAP: '' })).toEqual({ stateFile: '/state/dht.json', bootstrap: [] });
    expect(sessionDht(base, { TYPETORRENT_DHT_BOOTSTRAP: '127.0.0.1:1,[::1]:2' })).toEqual({ stateFile: '/state/dht.json', bootstrap: ['127.0.0.1:1', '[::1]:2'] });
  });
});
