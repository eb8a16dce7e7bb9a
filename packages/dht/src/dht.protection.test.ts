import { describe, expect, test } from '@jest/globals';
import { Dht } from './dht.js';
import { SeededRandom, type Address } from './env.js';
import { decodeKrpc } from './krpc/decode.js';
import { encodeKrpc } from './krpc/encode.js';
import { ManualClock } from './testing/manual-clock.js';

function node(options: { loopbackLimited?: boolean } = {}) {
  /** Where our replies went (our own pings of questionable nodes are not counted). */
  const sent: Address[] = [];
  const random = new SeededRandom(4);
  const dht = new Dht({
    clock: new ManualClock(), random, transport: { send: (bytes, to) => decodeKrpc(bytes).kind !== 'query' && sent.push(to) }, maintenanceIntervalMs: 0,
    rateLimit: { perSecond: 20, burst: 50, loopback: options.loopbackLimited === true },
  });
  const ping = (from: Address): boolean =>
    dht.receive(encodeKrpc({ kind: 'query', t: Uint8Array.of(1), id: random.bytes(20), readOnly: false, method: 'ping' }), from);
  return { dht, sent, ping };
}

describe('protection', () => {
  test('per-IP rate limit: a burst of 50 answered, the rest dropped; loopback exempt by default', () => {
    const { sent, ping } = node();
    for (let i = 0; i < 200; i++) ping({ host: '8.8.8.8', port: 1000 + i });
    expect(sent).toHaveLength(50);
    for (let i = 0; i < 200; i++) ping({ host: '127.0.0.1', port: 1000 + i });
    expect(sent).toHaveLength(250);
  });

  test('loopback can be limited too', () => {
    const { sent, ping } = node({ loopbackLimited: true });
    for (let i = 0; i < 200; i++) ping({ host: '127.0.0.1', port: 1000 + i });
    expect(sent).toHaveLength(50);
  });

  test('an endpoint sending garbage is ignored after 5 datagrams; its neighbours on the same IP are not', () => {
    const { dht, sent, ping } = node();
    const bad = { host: '10.0.0.1', port: 1 };
    const warnings: string[] = [];
    dht.on('warning', (e) => warnings.push(e.message));
    for (let i = 0; i < 5; i++) dht.receive(new TextEncoder().encode('d1:t1:x1:y1:qe'), bad);
    expect(warnings.some((w) => w.includes('ignoring 10.0.0.1:1'))).toBe(true);
    sent.length = 0;
    ping(bad);
    expect(sent).toEqual([]);
    ping({ host: '10.0.0.1', port: 2 });
    expect(sent).toEqual([{ host: '10.0.0.1', port: 2 }]);
  });
});
