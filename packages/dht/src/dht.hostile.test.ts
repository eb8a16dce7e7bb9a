import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Address } from './env.js';
import { SeededRandom } from './env.js';
import { compareDistance, idToHex } from './ids.js';
import { decodeKrpc } from './krpc/decode.js';
import { encodeKrpc } from './krpc/encode.js';
import type { KrpcMessage } from './krpc/messages.js';
import { createSimSwarm, type SimSwarm } from './testing/swarm.js';

const random = new SeededRandom(1234);

describe('a node under attack in a simulated network of 150 nodes', () => {
  let swarm: SimSwarm;
  beforeAll(async () => {
    swarm = await createSimSwarm({ size: 150, seed: 8 });
  });

  /** Binds an attacker endpoint; `answer` gets every decodable message sent to it. */
  const attacker = (address: Address, answer: (m: KrpcMessage, from: Address, send: (b: Uint8Array) => void) => void) => {
    const transport = swarm.network.bind(address, (bytes, from) => {
      try {
        answer(decodeKrpc(bytes), from, (b) => transport.send(b, from));
      } catch {
        // not for us
      }
    });
    return transport;
  };

  test('random and oversized datagrams are dropped without a throw, and the node keeps working', async () => {
    const victim = swarm.nodes[3]!;
    const warnings: string[] = [];
    victim.on('warning', (e) => warnings.push(e.code));
    const before = victim.nodeCount;
    for (let i = 0; i < 5000; i++) {
      const junk = random.bytes(1 + (i % 300));
      if (i % 2 === 0) junk[0] = 0x64;
      expect(() => victim.receive(junk, { host: `99.${i % 250}.0.1`, port: 1000 + (i % 50) })).not.toThrow();
    }
    for (let i = 0; i < 50; i++) victim.receive(new Uint8Array(65_507).fill(0x64), { host: '98.0.0.1', port: 1 });
    expect(warnings.length).toBeGreaterThan(1000);
    expect(victim.nodeCount).toBe(before);
    expect(victim.stats.garbageEndpoints).toBeLessThanOrEqual(5000);
    const target = random.bytes(20);
    const result = await swarm.run(victim.findNode(target));
    expect(result.closest).toHaveLength(8);
  });

  test.each([
    ['10,000 bogus nodes (an oversized reply)', 10_000],
    ['300 bogus nodes (as many as fit in the size cap)', 300],
  ])('a node answering every query with %s does not derail lookups', async (_name, count) => {
    const address = { host: `77.0.0.${count % 250}`, port: 6881 };
    const bogus = Array.from({ length: count }, (_, i) => ({
      id: random.bytes(20), address: { host: `55.${(i >> 8) & 255}.${i & 255}.1`, port: 1 + (i % 60000) },
    }));
    const victim = swarm.nodes[10]!;
    // An id next to the victim's own falls in its deepest bucket, which has room.
    const evilId = victim.id.slice();
    evilId[18] = evilId[18]! ^ (count & 0xff);
    const evil = attacker(address, (m, _from, send) => {
      if (m.kind === 'query') send(encodeKrpc({ kind: 'response', t: m.t, id: evilId, nodes: bogus }));
    });
    // Get into the victim's table: it adds nodes that query it.
    evil.send(encodeKrpc({ kind: 'query', t: Uint8Array.of(9), id: evilId, readOnly: false, method: 'ping' }), swarm.addresses[10]!);
    swarm.clock.advance(100);
    expect(victim.nodes().some((n) => idToHex(n.id) === idToHex(evilId))).toBe(true);
    const target = evilId.slice();
    target[19] = target[19]! ^ 1; // aim right next to the attacker so it is asked first
    const result = await swarm.run(victim.findNode(target));
    const expected = swarm.nodes.map((n) => n.id).filter((id) => idToHex(id) !== idToHex(victim.id))
      .sort((a, b) => compareDistance(a, b, target)).slice(0, 7).map(idToHex);
    const found = result.closest.map((c) => idToHex(c.node.id));
    for (const id of expected) expect(found).toContain(id);
    expect(result.queries).toBeLessThanOrEqual(200);
    expect(victim.nodeCount).toBeLessThan(200);
    expect(victim.nodes().some((n) => n.address.host.startsWith('55.'))).toBe(false);
  });

  test('a flood of announces from one IP is rate limited and stores a bounded number of peers', async () => {
    const victim = swarm.nodes[20]!;
    const victimAddress = swarm.addresses[20]!;
    let token: Uint8Array | undefined;
    let answered = 0;
    const flooder = attacker({ host: '66.0.0.1', port: 1 }, (m) => {
      if (m.kind === 'response') {
        token ??= m.token;
        answered++;
      }
    });
    const id = random.bytes(20);
    flooder.send(encodeKrpc({ kind: 'query', t: Uint8Array.of(1), id, readOnly: false, method: 'get_peers', infoHash: id }), victimAddress);
    swarm.clock.advance(50);
    expect(token).toBeDefined();
    answered = 0;
    const start = swarm.clock.now();
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 2000; i++) {
        const q = { kind: 'query', t: Uint8Array.of(i >> 8, i & 255), id, readOnly: false, method: 'announce_peer',
          infoHash: random.bytes(20), port: 1 + i, impliedPort: false, token: token! } as const;
        flooder.send(encodeKrpc(q), victimAddress);
      }
      swarm.clock.advance(1000);
    }
    const seconds = (swarm.clock.now() - start) / 1000;
    // Token bucket: a burst of 50, then 20 a second.
    expect(answered).toBeLessThanOrEqual(50 + 20 * seconds);
    expect(victim.stats.storedPeers).toBeLessThanOrEqual(50);
    expect(victim.stats.storedTorrents).toBeLessThanOrEqual(50);
  });
});
