// The endgame with one slow peer: a leecher downloads from a fast seed and from one on a link a
// hundred times slower. The last blocks must not wait on the slow one: once every block is
// requested, its outstanding ones are asked of the fast seed too, and the duplicates stay few.
import { describe, expect, it } from '@jest/globals';
import { outcomeOf, repeatable, simRuns } from '../testing/sim/sim-outcome.js';
import { SimSwarm } from '../testing/sim/sim-swarm.js';

const KIB = 1024;
const SIZE = 1024 * KIB;
const FAST = 400_000;
const SLOW = 4_000;

async function endgameWithSlowPeer(seed: number) {
  const swarm = await SimSwarm.create({ seed, size: SIZE, pieceLength: 64 * KIB });
  try {
    await swarm.addPeer({ seed: true, network: { upload: FAST, link: { latencyMs: 20 } } });
    const slow = await swarm.addPeer({ seed: true, network: { upload: SLOW, link: { latencyMs: 150 } } });
    const leecher = await swarm.addPeer({ network: { download: 1_000_000 } });
    const finished = await swarm.run(120_000, () => leecher.done);
    const fromSlow = leecher.downloadedFrom().get(slow.host) ?? 0;
    const askedOfSlow = slow.storage.piecesRead.size;
    const outcome = outcomeOf(swarm);
    await swarm.close();
    return { outcome, finished, doneAt: leecher.doneAt ?? Infinity, downloaded: leecher.downloaded, fromSlow, askedOfSlow };
  } catch (error) {
    await swarm.close();
    throw error;
  }
}

const { seeds, repeat } = simRuns(3);

describe.each(seeds)('a simulated swarm (seed %i)', (seed) => {
  it('the endgame with one slow peer: the download ends at the fast seed\'s pace, with few duplicate blocks', async () => {
    const run = await repeatable(repeat, async () => await endgameWithSlowPeer(seed));
    expect(run.finished).toBe(true);
    // The slow seed was asked for blocks (it read them to send) ...
    expect(run.askedOfSlow).toBeGreaterThan(0);
    // ... but the download did not wait for them: the fast seed alone needs SIZE / FAST (2.6 s),
    // and one 16 KiB block from the slow one takes 4 s.
    expect(run.doneAt).toBeLessThan(4_000);
    expect(run.downloaded - SIZE).toBeLessThanOrEqual(8 * 16 * KIB);
  });
});
