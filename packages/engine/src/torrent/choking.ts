// Who may download from us: the pure tit-for-tat choker (choke/choker.ts) run every rechoke
// interval over the connected peers' rates, its decision applied as CHOKE/UNCHOKE messages. Between
// rounds a newly interested peer is unchoked at once while slots are free, so a fresh swarm does not
// wait ten seconds for its first block.
import { choke, type OptimisticUnchoke } from '../choke/choker.js';
import type { Peer } from './peer.js';

/** What choking may use of its torrent. */
export interface ChokingHost {
  /** Running: uploads allowed. */
  readonly uploading: boolean;
  /** Every wanted piece is verified: rank by upload rate. */
  readonly seeding: boolean;
  /** Regular slots (plus one optimistic). */
  readonly slots: number;
  readonly rechokeIntervalMs: number;
  peers(): Iterable<Peer>;
  peer(key: string): Peer | undefined;
  setChoking(peer: Peer, choking: boolean): void;
  snubbed(peer: Peer): boolean;
}

export class Choking {
  readonly #host: ChokingHost;
  #optimistic: OptimisticUnchoke | undefined;
  #lastRound = Number.NEGATIVE_INFINITY;

  constructor(host: ChokingHost) {
    this.#host = host;
  }

  tick(now: number): void {
    if (now - this.#lastRound >= this.#host.rechokeIntervalMs) this.rechoke(now);
  }

  rechoke(now: number): void {
    const host = this.#host;
    this.#lastRound = now;
    const peers = [...host.peers()];
    if (!host.uploading) {
      for (const peer of peers) host.setChoking(peer, true);
      return;
    }
    const decision = choke({
      peers: peers.map((peer) => ({
        key: peer.key,
        interested: peer.peerInterested,
        amChoking: peer.amChoking,
        downloadRate: peer.downloadMeter.rate(),
        uploadRate: peer.uploadMeter.rate(),
        isSeed: peer.isSeed,
        snubbed: host.snubbed(peer),
        connectedAt: peer.connectedAt,
      })),
      seeding: host.seeding,
      slots: host.slots,
      optimistic: this.#optimistic,
      now,
    });
    this.#optimistic = decision.optimistic;
    for (const key of decision.choke) {
      const peer = host.peer(key);
      if (peer !== undefined) host.setChoking(peer, true);
    }
    for (const key of decision.unchoke) {
      const peer = host.peer(key);
      if (peer !== undefined) host.setChoking(peer, false);
    }
  }

  /** INTERESTED: unchoke now if fewer peers than the slots (plus the optimistic one) are unchoked. */
  onInterested(peer: Peer): void {
    const host = this.#host;
    if (!host.uploading || !peer.amChoking || peer.isSeed) return;
    let unchoked = 0;
    for (const other of host.peers()) if (!other.amChoking && other.peerInterested) unchoked++;
    if (unchoked < host.slots + 1) host.setChoking(peer, false);
  }
}
