import { describe, expect, it } from '@jest/globals';
import { EngineError } from '../errors.js';
import type { Handshaken } from '../peer/handshake-io.js';
import { Budget } from '../session/budget.js';
import { testServices, type TestServices } from '../testing/services.js';
import { MAX_CANDIDATES, Swarm, type SwarmHost } from './swarm.js';

function host(services: TestServices, maxPeers = 50): SwarmHost & { attached: string[] } {
  const attached: string[] = [];
  return {
    services,
    infoHash: new Uint8Array(20),
    active: true,
    closed: false,
    maxPeers,
    peerCount: 0,
    hasPeer: () => false,
    attach: (_handshaken: Handshaken, key: string) => attached.push(key),
    attached,
  };
}

/** Lets the dial promises run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Swarm', () => {
  it('dials each address once, never our own port on a loopback address', async () => {
    const services = testServices({ listenPort: 7000 });
    const swarm = new Swarm(host(services));
    swarm.add([{ host: '127.0.0.1', port: 7001 }, { host: '127.0.0.1', port: 7001 }, { host: '127.0.0.1', port: 7000 }, { host: '::1', port: 7000 }, { host: '10.0.0.1', port: 0 }], 'tracker');
    expect(services.dials.map((d) => `${d.host}:${d.port}`)).toEqual(['127.0.0.1:7001']);
    expect(swarm.candidates).toBe(1);
  });

  it('keeps to the torrent limit and the session budget', async () => {
    const endpoints = [1, 2, 3, 4, 5].map((n) => ({ host: '10.0.0.1', port: 6000 + n }));
    // Connections being made count against the torrent's limit of 3.
    const pending = testServices({ connect: () => new Promise(() => undefined) });
    new Swarm(host(pending, 3)).add(endpoints, 'tracker');
    expect(pending.dials).toHaveLength(3);
    // Two connects in flight at most: the session's half-open budget.
    const services = testServices({ budget: new Budget(100, 2) });
    const swarm = new Swarm(host(services, 50));
    swarm.add(endpoints, 'tracker');
    expect(services.dials).toHaveLength(2);
    await flush();
    // Both failed: their slots are free again, the failed addresses wait, the next ones go.
    swarm.connectMore();
    expect(services.dials.map((d) => d.port)).toEqual([6001, 6002, 6003, 6004]);
    expect(services.budget.used).toBe(2);
  });

  it('waits longer after each failure before dialling an address again, and forgets it after five', async () => {
    const services = testServices({ tuning: { reconnectBaseMs: 1000 } });
    const swarm = new Swarm(host(services));
    swarm.add([{ host: '10.0.0.9', port: 1 }], 'manual');
    const waits: number[] = [];
    for (let attempt = 1; attempt < 5; attempt++) {
      await flush();
      const dials = services.dials.length;
      let waited = 0;
      while (services.dials.length === dials && waited < 60_000) {
        services.clock.advance(500);
        waited += 500;
        swarm.connectMore();
      }
      waits.push(waited);
    }
    expect(waits).toEqual([2000, 4000, 8000, 16_000]);
    await flush();
    expect(swarm.candidates).toBe(0);
  });

  it('does not dial banned addresses or ourselves', () => {
    const services = testServices();
    services.bans.ban(['10.0.0.2:1'], 'corrupt');
    const swarm = new Swarm(host(services));
    swarm.markSelf('10.0.0.3:1');
    swarm.add([{ host: '10.0.0.2', port: 1 }, { host: '10.0.0.3', port: 1 }], 'tracker');
    expect(services.dials).toEqual([]);
  });

  it('redials at once a peer it dropped to pause, but waits before redialling one that left on its own', () => {
    const services = testServices({ tuning: { reconnectBaseMs: 1000 } });
    const h = { ...host(services), active: false };
    const swarm = new Swarm(h);
    swarm.add([{ host: '10.0.0.4', port: 1 }, { host: '10.0.0.5', port: 1 }], 'manual');
    expect(services.dials).toEqual([]);
    swarm.onDisconnected('10.0.0.4:1', new EngineError('CLOSED', 'paused'));
    h.active = true;
    swarm.onDisconnected('10.0.0.5:1', new EngineError('SOCKET', 'the peer closed the connection'));
    swarm.connectMore();
    expect(services.dials.map((d) => d.host)).toEqual(['10.0.0.4']);
    services.clock.advance(1000);
    swarm.connectMore();
    expect(services.dials.map((d) => d.host)).toEqual(['10.0.0.4', '10.0.0.5']);
  });

  it(`remembers at most ${MAX_CANDIDATES} addresses, however many trackers and peers hand out`, () => {
    const services = testServices({ connect: () => new Promise(() => undefined) });
    const swarm = new Swarm(host(services, 0));
    const flood = Array.from({ length: 3 * MAX_CANDIDATES }, (_, i) => ({ host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 6881 }));
    swarm.add(flood, 'pex');
    expect(swarm.candidates).toBe(MAX_CANDIDATES);
  });
});
