// A whole swarm in simulated time (test helper, not exported by the package): real Sessions on a
// SimNetwork with a SimTracker, all on one SimClock, deterministic from a seed. The driver moves the
// clock in small steps and lets the event loop run everything those steps set off before the next
// (see `settle`), so a run depends only on the seed, never on the machine's speed.
import { seededRandom, seededUint32, type RandomSource } from '@typetorrent/metainfo';
import { createHash } from 'node:crypto';
import type { Hasher } from '@typetorrent/storage';
import { Session } from '../../session/session.js';
import type { EngineTuning } from '../../tuning.js';
import { SimClock } from './sim-clock.js';
import { makeSimTorrent, simStorage, type SimTorrent } from './sim-data.js';
import { SimNetwork, type NodeProfile } from './sim-network.js';
import { SimPeer } from './sim-peer.js';
import { SimTracker, type SimTrackerOptions } from './sim-tracker.js';

export interface SimSwarmOptions {
  readonly seed: number;
  /** Torrent size and piece length in bytes. */
  readonly size: number;
  readonly pieceLength: number;
  /** Clock step: everything due within one step runs before the event loop turns (default 5 ms). */
  readonly stepMs?: number;
  readonly tracker?: SimTrackerOptions;
  readonly tuning?: Partial<EngineTuning>;
}

export interface SimPeerOptions {
  /** Starts with the whole torrent. */
  readonly seed?: boolean;
  /** Uploads blocks of these pieces with a byte flipped (once its own check is done). */
  readonly corrupt?: (piece: number) => boolean;
  /** A seed that never sends a block: its storage reads hang once its check is done. */
  readonly hollow?: boolean;
  readonly network?: NodeProfile;
  /** Connections for the torrent (default the engine's). */
  readonly maxPeers?: number;
  /** Stops the torrent once done, as `seed: false` does. */
  readonly leaveWhenDone?: boolean;
}

export class SimSwarm {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  readonly tracker: SimTracker;
  readonly torrent: SimTorrent;
  readonly peers: SimPeer[] = [];
  /** The scenario's own seeded draws (link speeds, who leaves), apart from the engine's and the network's. */
  readonly random: RandomSource;
  readonly #options: SimSwarmOptions;
  readonly #ids: () => number;
  readonly #restore: () => void;
  #io = 0;

  private constructor(options: SimSwarmOptions, torrent: SimTorrent) {
    this.#options = options;
    this.torrent = torrent;
    this.clock = new SimClock();
    this.network = new SimNetwork(this.clock, seededRandom(options.seed ^ 0x5e7));
    this.tracker = new SimTracker(this.clock, seededRandom(options.seed ^ 0x7ac), options.tracker);
    this.#ids = seededUint32(options.seed ^ 0x1d5);
    this.random = seededRandom(options.seed ^ 0x5ce);
    this.#restore = deterministicProcess(seededRandom(options.seed));
  }

  /** A swarm with no peers yet; `close()` it (it replaces Math.random until then). */
  static async create(options: SimSwarmOptions): Promise<SimSwarm> {
    const torrent = await makeSimTorrent({ size: options.size, pieceLength: options.pieceLength, seed: options.seed });
    return new SimSwarm(options, torrent);
  }

  /** Simulated ms since the swarm was made. */
  get elapsed(): number {
    return this.clock.now() - 1_000;
  }

  /**
   * Adds a node with a session and the torrent, and waits (without moving the clock) until its
   * check is done, so every node starts at a known moment. Nodes are 10.x.y.1 in order.
   */
  async addPeer(options: SimPeerOptions = {}): Promise<SimPeer> {
    const index = this.peers.length + 1;
    // Each node in a /24 of its own: BEP 6 derives the allowed-fast set from the /24, and a
    // whole swarm in one would be offered the same few pieces by every seed.
    const host = `10.${(index >> 8) & 0xff}.${index & 0xff}.1`;
    const name = `${options.seed === true ? 'seed' : 'peer'}${index}`;
    const storage = simStorage(
      this.torrent,
      { complete: options.seed === true, hollow: options.hollow === true, ...(options.corrupt === undefined ? {} : { corrupt: options.corrupt }) },
      () => this.#io++,
    );
    this.network.addNode(host, options.network);
    const transport = this.tracker.transportFor(host, () => this.network.isUp(host));
    const session = new Session({
      port: 0,
      host: '127.0.0.1',
      peerId: this.#peerId(index),
      clock: this.clock,
      socketFactory: async ({ host: target, signal }) => await this.network.connect(host, target, signal),
      hasher: syncHasher,
      encryption: 'disable',
      trackers: { http: transport, udp: transport },
      ...(this.#options.tuning === undefined ? {} : { tuning: this.#options.tuning }),
    });
    this.network.setAcceptor(host, (socket) => session.acceptIncoming(socket));
    const torrent = await session.add(this.torrent.metainfo, {
      savePath: `/nonexistent/typetorrent-sim/${name}`,
      storage: storage.factory,
      ...(options.maxPeers === undefined ? {} : { maxPeers: options.maxPeers }),
      ...(options.leaveWhenDone === true ? { seed: false } : {}),
    });
    await settled(torrent);
    storage.arm();
    const peer = new SimPeer({ name, host, session, torrent, storage: storage.log, now: () => this.elapsed });
    this.peers.push(peer);
    await this.settle();
    return peer;
  }

  /** The node leaves: `close` as a process that exits, `vanish` as a machine that drops off the net. */
  leave(peer: SimPeer, how: 'close' | 'vanish' = 'close'): void {
    if (peer.left) return;
    peer.leftAt = this.elapsed;
    this.network.leave(peer.host, how);
    void peer.remove();
  }

  /**
   * Runs the swarm for up to `ms` of simulated time, or until `until` holds (checked after every
   * step). Returns whether `until` held.
   */
  async run(ms: number, until?: () => boolean): Promise<boolean> {
    const end = this.clock.now() + ms;
    const step = this.#options.stepMs ?? 5;
    await this.settle();
    for (;;) {
      if (until?.() === true) return true;
      const next = this.clock.nextAt();
      if (next === undefined || next > end) {
        this.clock.runUntil(end);
        await this.settle();
        return until?.() ?? true;
      }
      this.clock.runUntil(Math.min(end, Math.max(next, this.clock.now()) + step));
      await this.settle();
    }
  }

  /** Closes every session, moving the clock while they say goodbye, and gives back Math.random. */
  async close(): Promise<void> {
    let open = this.peers.length;
    for (const peer of this.peers) void peer.close().finally(() => open--);
    try {
      await this.run(60_000, () => open === 0);
    } finally {
      this.#restore();
    }
  }

  /**
   * Lets the event loop run until a turn passes in which nothing new happened: no timer made, no
   * byte sent, no storage call. Everything the last step set off is then done.
   */
  async settle(): Promise<void> {
    for (;;) {
      const before = this.clock.made + this.network.stats.bytes + this.#io;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.clock.made + this.network.stats.bytes + this.#io === before) return;
    }
  }

  #peerId(index: number): Uint8Array {
    const id = Buffer.from(`-TT0100-sim${String(index).padStart(5, '0')}....`).subarray(0, 20);
    const salt = this.#ids();
    id.writeUInt32BE(salt, 16);
    return new Uint8Array(id);
  }
}

/** Resolves once the torrent's check is over (it is downloading or seeding). */
async function settled(torrent: SimPeer['torrent']): Promise<void> {
  while (torrent.state === 'checking') await new Promise<void>((resolve) => torrent.once('state', () => resolve()));
  if (torrent.state !== 'downloading' && torrent.state !== 'seeding') throw new Error(`sim: torrent ended its check in state ${torrent.state}`);
}

/**
 * Hashing at once, on the spot. The engine's default (and `hashThreads: 0`'s inline hasher) hashes a
 * few milliseconds' worth per turn of the event loop, measured on the wall clock, so how many pieces
 * are verified before the next step would depend on the machine.
 */
const syncHasher: Hasher = {
  prefersShared: false,
  sha1: async (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  close: async () => undefined,
};

/**
 * The one thing in the engine a seed does not reach: the picker's and choker's tie-breaks use
 * Math.random (Session has no option for a seeded source). It is the seeded generator until the
 * swarm closes.
 */
function deterministicProcess(random: RandomSource): () => void {
  const mathRandom = Math.random;
  Math.random = random;
  return () => {
    Math.random = mathRandom;
  };
}
