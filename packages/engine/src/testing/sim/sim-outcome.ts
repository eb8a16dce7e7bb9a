// What a simulated run came to, as plain data (test helper, not exported by the package): two runs
// with the same seed must give equal outcomes, to the byte and the millisecond of simulated time.
import type { SimSwarm } from './sim-swarm.js';

export interface PeerOutcome {
  readonly name: string;
  readonly doneAt: number | undefined;
  readonly leftAt: number | undefined;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly bans: readonly string[];
}

export interface SwarmOutcome {
  readonly elapsed: number;
  readonly peers: readonly PeerOutcome[];
  readonly network: Readonly<Record<string, number>>;
}

export function outcomeOf(swarm: SimSwarm): SwarmOutcome {
  return {
    elapsed: swarm.elapsed,
    peers: swarm.peers.map((peer) => ({
      name: peer.name,
      doneAt: peer.doneAt,
      leftAt: peer.leftAt,
      uploaded: peer.uploaded,
      downloaded: peer.downloaded,
      bans: peer.bans.map((ban) => `${ban.host} ${ban.code} @${ban.at}`),
    })),
    network: { ...swarm.network.stats },
  };
}

/**
 * Seeds a scenario runs with, and how many times each (every run of a seed must give the same
 * outcome): `SIM_SEEDS=1,2,3 SIM_REPEAT=5` for the long check, one run of the default otherwise.
 */
export function simRuns(defaultSeed: number): { seeds: number[]; repeat: number } {
  const seeds = (process.env['SIM_SEEDS'] ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  const repeat = Number(process.env['SIM_REPEAT'] ?? '1');
  return { seeds: seeds.length > 0 ? seeds : [defaultSeed], repeat: Number.isInteger(repeat) && repeat > 0 ? repeat : 1 };
}

/**
 * Runs `scenario` `repeat` times with the same seed and returns the first result, after checking
 * that every run came to the same outcome.
 */
export async function repeatable<T extends { outcome: SwarmOutcome }>(repeat: number, scenario: () => Promise<T>): Promise<T> {
  const first = await scenario();
  const expected = JSON.stringify(first.outcome);
  for (let run = 2; run <= repeat; run++) {
    const actual = JSON.stringify((await scenario()).outcome);
    if (actual !== expected) throw new Error(`run ${run} differs from run 1:\n${actual}\n${expected}`);
  }
  return first;
}
