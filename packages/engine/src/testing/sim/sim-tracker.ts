// A tracker in memory for simulated swarms (test helper, not exported by the package): one registry
// of peers per info-hash, answered on the SimClock after a delay. Each node gets its own transport,
// which stamps announces with the node's address (as a real tracker sees the source address) and
// goes quiet when the node has left the network.
import { randomIndex, type RandomSource } from '@typetorrent/metainfo';
import type { AnnounceRequest, AnnounceResult, Peer, RequestOptions, ScrapeResult, TrackerTransport } from '@typetorrent/tracker';
import type { SimClock } from './sim-clock.js';

export interface SimTrackerOptions {
  /** Seconds between regular announces the tracker asks for (default 1800). */
  readonly intervalSeconds?: number;
  /** Peers per answer at most (default 50, as most trackers). */
  readonly maxPeers?: number;
  /** Delay of an answer in ms (default 50). */
  readonly delayMs?: number;
}

interface Registered {
  readonly host: string;
  readonly port: number;
  left: number;
}

export class SimTracker {
  /** Announces received, by event: what the scenarios check about trackers. */
  readonly announces = { started: 0, completed: 0, stopped: 0, none: 0 };
  readonly #clock: SimClock;
  readonly #random: RandomSource;
  readonly #options: SimTrackerOptions;
  readonly #swarms = new Map<string, Map<string, Registered>>();

  constructor(clock: SimClock, random: RandomSource, options: SimTrackerOptions = {}) {
    this.#clock = clock;
    this.#random = random;
    this.#options = options;
  }

  /** Peers registered for the torrent now, and how many of them are seeds. */
  count(infoHashHex: string): { peers: number; seeds: number } {
    const swarm = [...(this.#swarms.get(infoHashHex)?.values() ?? [])];
    return { peers: swarm.length, seeds: swarm.filter((peer) => peer.left === 0).length };
  }

  /** The transport a node's session announces through; `reachable` false once it has left. */
  transportFor(host: string, reachable: () => boolean): TrackerTransport {
    return {
      announce: async (_url: string, request: AnnounceRequest, options?: RequestOptions): Promise<AnnounceResult> =>
        await this.#later(reachable, options?.signal, () => this.#announce(host, request)),
      scrape: async (_url: string, infoHashes: readonly Uint8Array[], options?: RequestOptions): Promise<ScrapeResult> =>
        await this.#later(reachable, options?.signal, () => ({
          ok: true,
          files: infoHashes.map((infoHash) => {
            const infoHashHex = hex(infoHash);
            const { peers, seeds } = this.count(infoHashHex);
            return { infoHash, infoHashHex, seeders: seeds, leechers: peers - seeds, completed: 0 };
          }),
        })),
    };
  }

  #announce(host: string, request: AnnounceRequest): AnnounceResult {
    this.announces[request.event]++;
    const key = hex(request.infoHash);
    let swarm = this.#swarms.get(key);
    if (swarm === undefined) {
      swarm = new Map();
      this.#swarms.set(key, swarm);
    }
    if (request.event === 'stopped') {
      swarm.delete(host);
      return { ok: true, peers: [] };
    }
    swarm.set(host, { host, port: request.port, left: request.left });
    const others = [...swarm.values()].filter((peer) => peer.host !== host);
    const wanted = Math.min(request.numWant ?? 50, this.#options.maxPeers ?? 50);
    const peers: Peer[] = [];
    while (others.length > 0 && peers.length < wanted) {
      const [peer] = others.splice(randomIndex(this.#random, others.length), 1);
      peers.push({ host: peer!.host, port: peer!.port });
    }
    const seeders = [...swarm.values()].filter((peer) => peer.left === 0).length;
    return { ok: true, interval: this.#options.intervalSeconds ?? 1800, peers, seeders, leechers: swarm.size - seeders };
  }

  async #later<T>(reachable: () => boolean, signal: AbortSignal | undefined, answer: () => T): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason ?? new Error('aborted'));
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      // A node that has left reaches nobody: the request hangs until its own timeout aborts it.
      if (!reachable()) return;
      this.#clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        if (reachable()) resolve(answer());
      }, this.#options.delayMs ?? 50);
    });
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
