// Peers that lie about what they have: four of five seeds announce every piece and never send a
// block (their reads never finish). The leechers' requests to them time out and go to the one
// honest seed and to each other, so everyone finishes, and nobody honest is banned.
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, repeatable, simRuns } from '../testing/sim/sim-outcome.js';
import type { SimPeer } from '../testing/sim/sim-peer.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;

async function hollowSeeds(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: 512 * KIB, pieceLength: 32 * KIB });
  try {
    await swarm.addPeer({ seed: true, network: { upload: 100_000 } });
    for (let i = 0; i < 4; i++) await swarm.addPeer({ seed: true, hollow: true, network: { upload: 100_000 } });
    const leechers: SimPeer[] = [];
    for (let i = 0; i < 8; i++) leechers.push(await swarm.addPeer({ network: { upload: 50_000, link: { latencyMs: 10 + Math.floor(swarm.random() * 40) } } }));
    const finished = await swarm.run(600_000, () => leechers.every((peer) => peer.done));
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return { outcome, finished, last: Math.max(...leechers.map((peer) => peer.doneAt ?? Infinity)), bans: leechers.flatMap((peer) => peer.bans) };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

const { seeds, repeat } = simRuns(6);

describe.each(seeds)('a simulated swarm (seed %i)', (seed) => {
  it('seeds that claim every piece and send nothing: 8 leechers still finish from the one honest seed and each other', async () => {
    const run = await repeatable(repeat, async () => await hollowSeeds(seed));
    expect(run.finished).toBe(true);
    // Requests to the hollow seeds time out after 20 s; before the fix the freed blocks went back to
    // them and the last piece could wait for ever.
    expect(run.last).toBeLessThan(120_000);
    expect(run.bans).toEqual([]);
  });
});
