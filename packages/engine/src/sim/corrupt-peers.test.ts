// Peers that send corrupt data: a lying seed is banned by a leecher it serves beside an honest one,
// and in a swarm of 20 leechers the one peer whose blocks spoil every other piece is found (smart
// ban: pieces fail with blocks from several senders, and pass later) while nobody honest is banned.
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, repeatable, simRuns } from '../testing/sim/sim-outcome.js';
import type { SimPeer } from '../testing/sim/sim-peer.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;

async function lyingSeed(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: 512 * KIB, pieceLength: 64 * KIB });
  try {
    const honest = await swarm.addPeer({ seed: true, network: { upload: 100_000 } });
    const liar = await swarm.addPeer({ seed: true, corrupt: () => true, network: { upload: 100_000 } });
    const leecher = await swarm.addPeer();
    const finished = await swarm.run(120_000, () => leecher.done);
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return { outcome, finished, banned: leecher.bans.map((ban) => ban.host), honest: honest.host, liar: liar.host };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

async function smartBan(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: 512 * KIB, pieceLength: 64 * KIB });
  try {
    await swarm.addPeer({ seed: true, network: { upload: 150_000 } });
    const liar = await swarm.addPeer({ seed: true, corrupt: (piece) => piece % 2 === 0, network: { upload: 150_000 } });
    const leechers: SimPeer[] = [];
    for (let i = 0; i < 20; i++) leechers.push(await swarm.addPeer({ network: { upload: 50_000 + Math.floor(swarm.random() * 40_000), link: { latencyMs: 10 + Math.floor(swarm.random() * 40) } } }));
    const finished = await swarm.run(600_000, () => leechers.every((peer) => peer.done));
    const bans = swarm.peers.flatMap((peer) => peer.bans.map((ban) => ban.host));
    const fedByLiar = leechers.filter((peer) => (peer.downloadedFrom().get(liar.host) ?? 0) > 0).length;
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return { outcome, finished, bans, liar: liar.host, fedByLiar };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

const { seeds, repeat } = simRuns(5);

describe.each(seeds)('a simulated swarm (seed %i)', (seed) => {
  it('a seed that sends corrupt data is banned; the leecher finishes from the honest one', async () => {
    const run = await repeatable(repeat, async () => await lyingSeed(seed));
    expect(run.finished).toBe(true);
    expect(run.banned).toContain(run.liar);
    expect(run.banned).not.toContain(run.honest);
  });

  it('smart ban: among 20 leechers and two seeds, the one sending bad blocks (every other piece) is found, nobody else', async () => {
    const run = await repeatable(repeat, async () => await smartBan(seed));
    expect(run.finished).toBe(true);
    expect(run.bans.length).toBeGreaterThan(0);
    expect(new Set(run.bans)).toEqual(new Set([run.liar]));
  });
});
