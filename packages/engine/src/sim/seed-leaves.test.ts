// The seed leaves as soon as one full copy is out among the leechers (the union of what they have
// verified is every piece): from then on they can only finish by trading with each other.
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, repeatable, simRuns } from '../testing/sim/sim-outcome.js';
import type { SimPeer } from '../testing/sim/sim-peer.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;

async function seedLeavesEarly(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: 512 * KIB, pieceLength: 32 * KIB });
  try {
    const pieceCount = swarm.torrent.metainfo.geometry.pieceCount;
    const origin = await swarm.addPeer({ seed: true, network: { upload: 100_000, link: { latencyMs: 25 } } });
    const leechers: SimPeer[] = [];
    for (let i = 0; i < 20; i++) {
      leechers.push(await swarm.addPeer({ network: { upload: 30_000 + Math.floor(swarm.random() * 40_000), link: { latencyMs: 10 + Math.floor(swarm.random() * 40) } } }));
    }
    const copyOut = (): boolean => new Set(leechers.flatMap((peer) => [...peer.pieces])).size === pieceCount;
    const out = await swarm.run(300_000, copyOut);
    const uploadedBeforeLeaving = origin.uploaded;
    const doneBeforeLeaving = leechers.filter((peer) => peer.done).length;
    swarm.leave(origin, 'close');
    const finished = await swarm.run(600_000, () => leechers.every((peer) => peer.done));
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return { outcome, out, finished, uploadedBeforeLeaving, doneBeforeLeaving, size: swarm.torrent.data.length };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

const { seeds, repeat } = simRuns(2);

describe.each(seeds)('a simulated swarm (seed %i)', (seed) => {
  it('a seed that leaves once one full copy is out: the 20 leechers still all finish, from each other', async () => {
    const run = await repeatable(repeat, async () => await seedLeavesEarly(seed));
    expect(run.out).toBe(true);
    // At most the leecher whose last piece completed the copy was done when the seed left.
    expect(run.doneBeforeLeaving).toBeLessThanOrEqual(1);
    expect(run.finished).toBe(true);
  });
});
