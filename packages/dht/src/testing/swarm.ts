// Builds a simulated DHT of many in-memory nodes, for tests and the benchmark.
import { Dht } from '../dht.js';
import { SeededRandom } from '../env.js';
import type { Address } from '../env.js';
import type { DhtOptions } from '../options.js';
import { ManualClock } from './manual-clock.js';
import { SimNetwork } from './sim-network.js';

export interface SimSwarm {
  readonly clock: ManualClock;
  readonly network: SimNetwork;
  readonly nodes: Dht[];
  readonly addresses: Address[];
  /** Runs a promise-returning operation to completion on simulated time. */
  run<T>(operation: Promise<T>): Promise<T>;
}

/** The i-th simulated host: 10.x.y.z, so every node has its own IP. */
export function simAddress(i: number): Address {
  return { host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 6881 };
}

export interface SimSwarmOptions {
  readonly size: number;
  readonly seed?: number;
  /**
   * After everyone joined, each node refreshes every bucket once, as a live node does every 15 minutes:
   * without it, nodes that joined early barely know the nodes that came later. Default true.
   */
  readonly refresh?: boolean;
  /** Extra options for every node. */
  readonly node?: Partial<Omit<DhtOptions, 'clock' | 'random' | 'transport'>>;
}

/** Lets promise continuations run between timer firings. */
async function drain(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Creates `size` nodes; each bootstraps from the first node, in turn, then (by default) refreshes once. */
export async function createSimSwarm(options: SimSwarmOptions): Promise<SimSwarm> {
  const clock = new ManualClock(1_000_000);
  const network = new SimNetwork(clock);
  const random = new SeededRandom(options.seed ?? 1);
  const nodes: Dht[] = [];
  const addresses: Address[] = [];
  const run = async <T>(operation: Promise<T>): Promise<T> => {
    let settled = false;
    operation.then(() => (settled = true), () => (settled = true));
    await drain();
    while (!settled) {
      if (!clock.step()) break;
      await drain();
    }
    return await operation;
  };
  for (let i = 0; i < options.size; i++) {
    const address = simAddress(i);
    const holder: { dht?: Dht } = {};
    const transport = network.bind(address, (bytes, from) => holder.dht?.receive(bytes, from));
    const dht = new Dht({ clock, random, transport, maintenanceIntervalMs: 0, ...options.node });
    holder.dht = dht;
    nodes.push(dht);
    addresses.push(address);
    if (i > 0) await run(dht.bootstrap([addresses[0]!]));
  }
  if (options.refresh !== false) for (const dht of nodes) await run(dht.refresh({ all: true }));
  return { clock, network, nodes, addresses, run };
}
