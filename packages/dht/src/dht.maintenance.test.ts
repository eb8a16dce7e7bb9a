import { describe, expect, test } from '@jest/globals';
import { Dht } from './dht.js';
import { SeededRandom, type Address } from './env.js';
import { nodeIdForIp } from './bep42.js';
import { encodeKrpc } from './krpc/encode.js';
import { ManualClock } from './testing/manual-clock.js';
import { addressKey } from './ip.js';
import { createSimSwarm } from './testing/swarm.js';

const MIN = 60_000;

describe('maintenance', () => {
  test('nodes that stop answering turn bad and leave the live list; announces expire after 30 minutes', async () => {
    const swarm = await createSimSwarm({ size: 40, seed: 5, node: { maintenanceIntervalMs: MIN } });
    const infoHash = new SeededRandom(1).bytes(20);
    await swarm.run(swarm.nodes[1]!.announce(infoHash, { port: 4000 }));
    const dead = new Set(swarm.addresses.slice(30).map(addressKey));
    const listed = (): number => swarm.nodes.slice(0, 30).flatMap((n) => n.nodes()).filter((x) => dead.has(addressKey(x.address))).length;
    expect(listed()).toBeGreaterThan(20);
    for (const a of swarm.addresses.slice(30)) swarm.network.unbind(a);
    for (const n of swarm.nodes.slice(30)) n.close();
    swarm.clock.advance(45 * MIN);
    expect(listed()).toBe(0);
    for (const n of swarm.nodes.slice(0, 30)) expect(n.nodes().length).toBeGreaterThan(0);
    expect(swarm.nodes.slice(0, 30).reduce((sum, n) => sum + n.stats.storedPeers, 0)).toBe(0);
  });
});

describe('BEP 42 enforcement', () => {
  function node(enforceNodeIds: boolean) {
    const sent: { bytes: Uint8Array; to: Address }[] = [];
    const dht = new Dht({
      clock: new ManualClock(), random: new SeededRandom(3), transport: { send: (bytes, to) => sent.push({ bytes, to }) },
      enforceNodeIds, maintenanceIntervalMs: 0,
    });
    const ping = (id: Uint8Array, from: Address): boolean =>
      dht.receive(encodeKrpc({ kind: 'query', t: Uint8Array.of(1), id, readOnly: false, method: 'ping' }), from);
    return { dht, sent, ping };
  }
  const random = new SeededRandom(9);
  const publicIp = { host: '124.31.75.21', port: 6881 };

  test('with the option on, a public node whose id does not match its IP is answered but not added', () => {
    const { dht, sent, ping } = node(true);
    ping(random.bytes(20), publicIp);
    expect(sent).toHaveLength(1);
    expect(dht.nodeCount).toBe(0);
    ping(nodeIdForIp(publicIp.host, random), { ...publicIp, port: 6882 });
    expect(dht.nodeCount).toBe(1);
    ping(random.bytes(20), { host: '192.168.1.20', port: 6881 }); // private: exempt
    expect(dht.nodeCount).toBe(2);
  });

  test('with the option off (the default), any id is accepted', () => {
    const { dht, ping } = node(false);
    ping(random.bytes(20), publicIp);
    expect(dht.nodeCount).toBe(1);
  });

  test('a read-only querier (BEP 43) is answered but never added', () => {
    const { dht, sent } = node(false);
    dht.receive(encodeKrpc({ kind: 'query', t: Uint8Array.of(1), id: random.bytes(20), readOnly: false, method: 'ping' }, { readOnly: true }), publicIp);
    expect(sent).toHaveLength(1);
    expect(dht.nodeCount).toBe(0);
  });
});
