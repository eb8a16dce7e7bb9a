// Choking is fair: leechers that upload are repaid by tit-for-tat and finish first, while free
// riders (an uplink of 1 KB/s) are still served through optimistic unchokes and finish too.
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, repeatable, simRuns } from '../testing/sim/sim-outcome.js';
import type { SimPeer } from '../testing/sim/sim-peer.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;

async function freeRiders(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: 1024 * KIB, pieceLength: 32 * KIB });
  try {
    await swarm.addPeer({ seed: true, network: { upload: 40_000, link: { latencyMs: 30 } } });
    const contributors: SimPeer[] = [];
    const riders: SimPeer[] = [];
    for (let i = 0; i < 16; i++) {
      const rides = i % 4 === 3;
      const peer = await swarm.addPeer({ network: { upload: rides ? 1_000 : 80_000, download: 400_000, link: { latencyMs: 10 + Math.floor(swarm.random() * 40) } } });
      (rides ? riders : contributors).push(peer);
    }
    const finished = await swarm.run(900_000, () => swarm.peers.every((peer) => peer.done));
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return {
      outcome,
      finished,
      contributorsDone: contributors.map((peer) => peer.doneAt ?? Infinity),
      ridersDone: riders.map((peer) => peer.doneAt ?? Infinity),
    };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

const { seeds, repeat } = simRuns(4);

describe.each(seeds)('a simulated swarm (seed %i)', (seed) => {
  it('choking is fair: 12 leechers that upload finish before (all but one of) the 4 free riders, who are not starved', async () => {
    const run = await repeatable(repeat, async () => await freeRiders(seed));
    expect(run.finished).toBe(true);
    // Tit-for-tat: every leecher that uploads is done before three of the four free riders are (the
    // luckiest rider may ride optimistic unchokes to the finish with the last uploaders).
    const lastContributor = Math.max(...run.contributorsDone);
    expect(run.ridersDone.filter((doneAt) => doneAt <= lastContributor).length).toBeLessThanOrEqual(1);
  });
});
