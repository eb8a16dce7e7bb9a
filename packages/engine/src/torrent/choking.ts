// Who may download from us: the pure tit-for-tat choker (choke/choker.ts) run every rechoke
// interval over the connected peers' rates, its decision applied as CHOKE/UNCHOKE messages. Between
// rounds a newly interested peer is unchoked at once while slots are free, so a fresh swarm does not
// wait ten seconds for its first block.
import { choke, type OptimisticUnchoke } from '../choke/choker.js';
import type { Peer } from './peer.js';
import type { Runtime } from './runtime.js';

export class Choking {
  readonly #rt: Runtime;
  #optimistic: OptimisticUnchoke | undefined;
  #lastRound = Number.NEGATIVE_INFINITY;

  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  tick(now: number): void {
    if (now - this.#lastRound >= this.#rt.services.tuning.rechokeIntervalMs) this.rechoke(now);
  }

  rechoke(now: number): void {
    const rt = this.#rt;
    this.#lastRound = now;
    const peers = [...rt.peers.values()];
    if (!rt.uploading) {
      for (const peer of peers) rt.setChoking(peer, true);
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
        snubbed: peer.requests.snubbed,
        connectedAt: peer.connectedAt,
      })),
      seeding: rt.picker.isFinished,
      slots: rt.services.tuning.uploadSlots,
      optimistic: this.#optimistic,
      now,
    });
    this.#optimistic = decision.optimistic;
    for (const key of decision.choke) {
      const peer = rt.peers.get(key);
      if (peer !== undefined) rt.setChoking(peer, true);
    }
    for (const key of decision.unchoke) {
      const peer = rt.peers.get(key);
      if (peer !== undefined) rt.setChoking(peer, false);
    }
  }

  /** INTERESTED: unchoke now if fewer peers than the slots (plus the optimistic one) are unchoked. */
  onInterested(peer: Peer): void {
    const rt = this.#rt;
    if (!rt.uploading || !peer.amChoking || peer.isSeed) return;
    let unchoked = 0;
    for (const other of rt.peers.values()) if (!other.amChoking && other.peerInterested) unchoked++;
    if (unchoked < rt.services.tuning.uploadSlots + 1) rt.setChoking(peer, false);
  }
}
