// Which pieces a peer has, as it tells us (BEP 3 BITFIELD and HAVE, BEP 6 HAVE ALL / HAVE NONE), fed
// to the picker's availability counts. A peer that contradicts itself is lying about its pieces and
// is dropped: a HAVE for a piece it already claimed (after HAVE ALL, say) or past the end, or a later
// bitfield that takes back a piece it claimed. BEP 3 allows a bitfield only first, but aria2 sends
// another one mid-connection (with everything it has by then), so a later bitfield or HAVE ALL is
// accepted when it only adds pieces.
import { Bitfield } from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import type { PiecePicker } from '../picker/piece-picker.js';
import type { EarlyAnnouncement } from './peer-pieces.js';
import type { Peer } from './peer.js';

/** The picker's availability counts. */
export type AvailabilityCounts = Pick<PiecePicker, 'peerBitfield' | 'peerHasPiece' | 'peerHasAll' | 'peerLeft' | 'peerLeftAll'>;

export interface AvailabilityHost {
  readonly pieceCount: number;
  readonly counts: AvailabilityCounts;
  /** The peer announced pieces: our interest in it may change (`piece` for a single HAVE). */
  announced(peer: Peer, piece: number | undefined): void;
}

function lying(peer: Peer, what: string): EngineError {
  return new EngineError('PROTOCOL', `inconsistent piece announcements: ${what}`, { peer: peer.key });
}

export class Availability {
  readonly #host: AvailabilityHost;

  constructor(host: AvailabilityHost) {
    this.#host = host;
  }

  /** The peer joins the counts: what it said before the piece count was known is checked and counted now. */
  join(peer: Peer): void {
    for (const said of peer.pieces.learnPieceCount(this.#host.pieceCount)) this.#apply(peer, said);
  }

  /** Throws PROTOCOL for a lie (the caller drops the peer). */
  onAnnouncement(peer: Peer, said: EarlyAnnouncement): void {
    if (!peer.pieces.known) {
      if (!peer.pieces.keep(said)) throw new EngineError('PROTOCOL', 'too many piece announcements before the metadata', { peer: peer.key });
      return;
    }
    this.#apply(peer, said);
  }

  /** The peer left: its pieces no longer count. */
  leave(peer: Peer): void {
    const pieces = peer.pieces;
    if (pieces.countedAsSeed) this.#host.counts.peerLeftAll();
    else if (pieces.bits !== undefined && !pieces.bits.hasNone()) this.#host.counts.peerLeft(pieces.bits.toBytes());
  }

  #apply(peer: Peer, said: EarlyAnnouncement): void {
    switch (said.type) {
      case 'bitfield':
        return this.#bitfield(peer, said.bytes);
      case 'have':
        return this.#have(peer, said.index);
      case 'have-all':
        return this.#haveAll(peer);
      case 'have-none':
        return this.#haveNone(peer);
    }
  }

  #bitfield(peer: Peer, bytes: Uint8Array): void {
    const host = this.#host;
    let pieces: Bitfield;
    try {
      // Length and spare bits: the decoder checks them when it knows the piece count; a bitfield
      // kept from before that is checked only here.
      pieces = Bitfield.fromBytes(bytes, host.pieceCount);
    } catch (error) {
      throw new EngineError('PROTOCOL', `bad bitfield for ${host.pieceCount} pieces`, { peer: peer.key, cause: error });
    }
    const mine = peer.pieces;
    if (!mine.sawAvailability) {
      mine.sawAvailability = true;
      if (pieces.hasAll()) {
        this.#markSeed(peer);
      } else {
        mine.replaceBits(pieces);
        host.counts.peerBitfield(bytes);
      }
    } else {
      if (mine.hasAll) {
        if (!pieces.hasAll()) throw lying(peer, 'a bitfield that takes back pieces after HAVE ALL');
        return;
      }
      const bits = mine.bits;
      if (bits === undefined) return;
      for (const piece of bits.indices()) {
        if (!pieces.get(piece)) throw lying(peer, `a bitfield without piece ${piece}, which it claimed`);
      }
      for (const piece of pieces.indices()) {
        if (bits.set(piece)) host.counts.peerHasPiece(piece);
      }
    }
    host.announced(peer, undefined);
  }

  #haveAll(peer: Peer): void {
    const mine = peer.pieces;
    if (mine.hasAll) return;
    if (mine.sawAvailability && mine.bits !== undefined && !mine.bits.hasNone()) this.#host.counts.peerLeft(mine.bits.toBytes());
    mine.sawAvailability = true;
    this.#markSeed(peer);
    this.#host.announced(peer, undefined);
  }

  #haveNone(peer: Peer): void {
    const mine = peer.pieces;
    if (mine.hasAll || (mine.bits !== undefined && !mine.bits.hasNone())) throw lying(peer, 'HAVE NONE after claiming pieces');
    mine.sawAvailability = true;
  }

  #have(peer: Peer, piece: number): void {
    const host = this.#host;
    if (piece >= host.pieceCount) throw lying(peer, `HAVE for piece ${piece} of ${host.pieceCount}`);
    if (peer.has(piece)) throw lying(peer, `HAVE for piece ${piece}, which it already claimed`);
    peer.pieces.sawAvailability = true;
    peer.pieces.bits?.set(piece);
    host.counts.peerHasPiece(piece);
    host.announced(peer, piece);
  }

  #markSeed(peer: Peer): void {
    peer.pieces.markAll();
    peer.pieces.countedAsSeed = true;
    this.#host.counts.peerHasAll();
  }
}
