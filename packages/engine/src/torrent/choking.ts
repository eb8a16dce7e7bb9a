// Who may download from us: the pure tit-for-tat choker (choke/choker.ts) run every rechoke
// interval over the connected peers' rates, its decision applied as CHOKE/UNCHOKE messages. Between
// rounds a newly interested peer is unchoked at once while slots are free, so a fresh swarm does not
// wait ten seconds for its first block. In a session the slots are the session's (UploadSlots): its
// round sets this torrent's share and runs the rechoke; a share of s means s - 1 regular slots and
// the optimistic one (s = 1: one regular slot, no optimistic).
import { choke, type OptimisticUnchoke } from '../choke/choker.js';
import type { Peer } from './peer.js';
import type { SlotHolder, UploadSlots } from './upload-slots.js';

/** What choking may use of its torrent. */
export interface ChokingHost {
  /** Running: uploads allowed. */
  readonly uploading: boolean;
  /** Every wanted piece is verified: rank by upload rate. */
  readonly seeding: boolean;
  /** Regular slots (plus one optimistic); with `sessionSlots`, the most this torrent's share gives. */
  readonly slots: number;
  /** The session's slots, shared by its torrents; undefined: this torrent's own `slots` + 1. */
  readonly sessionSlots?: UploadSlots | undefined;
  readonly rechokeIntervalMs: number;
  peers(): Iterable<Peer>;
  peer(key: string): Peer | undefined;
  setChoking(peer: Peer, choking: boolean): void;
  snubbed(peer: Peer): boolean;
}

export class Choking implements SlotHolder {
  readonly #host: ChokingHost;
  #optimistic: OptimisticUnchoke | undefined;
  #lastRound = Number.NEGATIVE_INFINITY;

  constructor(host: ChokingHost) {
    this.#host = host;
    host.sessionSlots?.join(this);
  }

  /** The transfer is over: its slots go back to the session. */
  close(): void {
    this.#host.sessionSlots?.leave(this);
  }

  /** Rounds on this torrent's own timer; in a session the session's round runs them. */
  tick(now: number): void {
    if (this.#host.sessionSlots !== undefined) return;
    if (now - this.#lastRound >= this.#host.rechokeIntervalMs) this.rechoke(now);
  }

  demand(): number {
    const host = this.#host;
    if (!host.uploading) return 0;
    let interested = 0;
    for (const peer of host.peers()) if (peer.peerInterested && !peer.isSeed) interested++;
    return interested;
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
      ...this.#split(),
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

  /**
   * INTERESTED: unchoke now if fewer peers than the slots (plus the optimistic one) are unchoked; in
   * a session, within this torrent's share or a slot of the session's that nobody holds.
   */
  onInterested(peer: Peer): void {
    const host = this.#host;
    if (!host.uploading || !peer.amChoking || peer.isSeed) return;
    let unchoked = 0;
    for (const other of host.peers()) if (!other.amChoking && other.peerInterested) unchoked++;
    const session = host.sessionSlots;
    const free = session === undefined ? unchoked < host.slots + 1 : unchoked < session.slotsOf(this) || session.claim(this);
    if (free) host.setChoking(peer, false);
  }

  /** Regular slots, and whether an optimistic unchoke comes on top, for this round. */
  #split(): { slots: number; optimisticSlot: boolean } {
    const session = this.#host.sessionSlots;
    if (session === undefined) return { slots: this.#host.slots, optimisticSlot: true };
    const share = session.slotsOf(this);
    return share >= 2 ? { slots: share - 1, optimisticSlot: true } : { slots: share, optimisticSlot: false };
  }
}
