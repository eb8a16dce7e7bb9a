// The harness's promise: a simulated run depends on its seed only. Two runs of a swarm with lossy
// links, resets and a peer that vanishes give the same outcome to the byte and the simulated
// millisecond; another seed gives another run. (SIM_SEEDS / SIM_REPEAT repeat every scenario too.)
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, type SwarmOutcome } from '../testing/sim/sim-outcome.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;

async function lossySwarm(seed: number): Promise<SwarmOutcome> {
  const swarm = await SimSwarm.create({ seed, size: 256 * KIB, pieceLength: 32 * KIB });
  try {
    await swarm.addPeer({ seed: true, network: { upload: 100_000 } });
    for (let i = 0; i < 8; i++) {
      await swarm.addPeer({ network: { upload: 30_000 + Math.floor(swarm.random() * 50_000), link: { latencyMs: 10 + Math.floor(swarm.random() * 60), loss: 0.03, resetChance: 0.003 } } });
    }
    await swarm.run(8_000);
    swarm.leave(swarm.peers[4]!, 'vanish');
    await swarm.run(300_000, () => swarm.peers.every((peer) => peer.done || peer.left));
    return outcomeOf(swarm);
  } finally {
    await swarm.close();
  }
}

describe('simulated swarms', () => {
  it('run the same from the same seed, and differently from another', async () => {
    const first = await lossySwarm(11);
    const again = await lossySwarm(11);
    const other = await lossySwarm(12);
    expect(first.network['stalls']).toBeGreaterThan(0);
    expect(first.peers.filter((peer) => peer.doneAt !== undefined)).toHaveLength(8);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});
