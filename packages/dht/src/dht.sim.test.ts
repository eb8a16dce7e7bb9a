import { beforeAll, describe, expect, test } from '@jest/globals';
import { SeededRandom } from './env.js';
import { compareDistance, idToHex } from './ids.js';
import { createSimSwarm, type SimSwarm } from './testing/swarm.js';

describe('lookups in a simulated network of 300 nodes', () => {
  let swarm: SimSwarm;
  const random = new SeededRandom(99);
  beforeAll(async () => {
    swarm = await createSimSwarm({ size: 300, seed: 3 });
  });

  const trueClosest = (target: Uint8Array, k = 8): string[] =>
    swarm.nodes.map((n) => n.id).sort((a, b) => compareDistance(a, b, target)).slice(0, k).map(idToHex);

  test('every node has a routing table after bootstrapping', () => {
    const counts = swarm.nodes.map((n) => n.nodeCount);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(8);
  });

  test('find_node converges on the true 8 closest nodes in a bounded number of rounds', async () => {
    for (let i = 0; i < 10; i++) {
      const target = random.bytes(20);
      const from = swarm.nodes[(i * 37) % swarm.nodes.length]!;
      const result = await swarm.run(from.findNode(target));
      const found = result.closest.map((c) => idToHex(c.node.id));
      // The asking node itself never appears in its own result.
      const expected = trueClosest(target, 9).filter((h) => h !== idToHex(from.id)).slice(0, 8);
      expect(found).toEqual(expected);
      expect(result.rounds).toBeLessThanOrEqual(8);
      expect(result.queries).toBeLessThanOrEqual(200);
    }
  });

  test('a peer announced by one node is found by another', async () => {
    const infoHash = random.bytes(20);
    const announcer = swarm.nodes[17]!;
    const announced = await swarm.run(announcer.announce(infoHash, { port: 51413 }));
    expect(announced.announcedTo).toBeGreaterThanOrEqual(6);
    const seen: string[] = [];
    const result = await swarm.run(swarm.nodes[250]!.getPeers(infoHash, { onPeers: (p) => seen.push(...p.map((x) => `${x.host}:${x.port}`)) }));
    expect(result.peers).toContainEqual({ host: swarm.addresses[17]!.host, port: 51413 });
    expect(seen).toContain(`${swarm.addresses[17]!.host}:51413`);
  });

  test('implied_port announces the UDP source port', async () => {
    const infoHash = random.bytes(20);
    await swarm.run(swarm.nodes[40]!.announce(infoHash, { impliedPort: true }));
    const result = await swarm.run(swarm.nodes[41]!.getPeers(infoHash));
    expect(result.peers).toEqual([swarm.addresses[40]]);
  });

  test('an aborted lookup rejects with ABORTED', async () => {
    const controller = new AbortController();
    const pending = swarm.nodes[5]!.getPeers(random.bytes(20), { signal: controller.signal });
    controller.abort();
    await expect(swarm.run(pending)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
