// A swarm of one seed and 30 leechers on links of mixed speed, some lossy, with churn: leechers that
// vanish or quit halfway and newcomers, all in simulated time (testing/sim).
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, repeatable, simRuns } from '../testing/sim/sim-outcome.js';
import type { SimPeer } from '../testing/sim/sim-peer.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;

async function churningSwarm(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: 1024 * KIB, pieceLength: 32 * KIB, tracker: { intervalSeconds: 60 } });
  const { random } = swarm;
  const leecher = async (): Promise<SimPeer> => {
    const lossy = random() < 0.2;
    return await swarm.addPeer({
      network: {
        upload: 40_000 + Math.floor(random() * 60_000),
        download: 400_000,
        link: { latencyMs: 10 + Math.floor(random() * 50), ...(lossy ? { loss: 0.02, resetChance: 0.002 } : {}) },
      },
    });
  };
  try {
    const origin = await swarm.addPeer({ seed: true, network: { upload: 120_000, link: { latencyMs: 30 } } });
    const first: SimPeer[] = [];
    for (let i = 0; i < 30; i++) first.push(await leecher());
    await swarm.run(10_000);
    // Three leave halfway: one quits (its peers see the connections close), two drop off the net.
    const leaving = [first[3]!, first[11]!, first[20]!];
    swarm.leave(leaving[0]!, 'close');
    swarm.leave(leaving[1]!, 'vanish');
    swarm.leave(leaving[2]!, 'vanish');
    await swarm.run(5_000);
    const late: SimPeer[] = [];
    for (let i = 0; i < 5; i++) late.push(await leecher());
    const staying = swarm.peers.filter((peer) => peer !== origin && !peer.left);
    const finished = await swarm.run(600_000, () => staying.every((peer) => peer.done));
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return { finished, outcome, origin, staying, first: first.filter((peer) => !leaving.includes(peer)), late, size: swarm.torrent.data.length, stats: swarm.network.stats };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

const { seeds, repeat } = simRuns(1);

describe.each(seeds)('a simulated swarm (seed %i)', (seed) => {
  it('one seed and 30 leechers with churn and lossy links: every leecher that stays finishes, and every one uploads', async () => {
    const run = await repeatable(repeat, async () => await churningSwarm(seed));
    expect(run.finished).toBe(true);
    expect(run.stats.stalls).toBeGreaterThan(0);
    // The seed alone could not have sent 32 copies: the leechers traded among themselves.
    expect(run.origin.uploaded).toBeLessThan(run.size * 10);
    const idle = run.staying.filter((peer) => peer.uploaded < 16 * KIB).map((peer) => `${peer.name} uploaded ${peer.uploaded}`);
    expect(idle).toEqual([]);
  });
});
