// Which pieces a peer has, as it tells us (BEP 3 BITFIELD and HAVE, BEP 6 HAVE ALL / HAVE NONE), fed
// to the picker's availability counts, and what follows for our interest in the peer. A peer that
// contradicts itself is lying about its pieces and is dropped: a HAVE for a piece it already claimed
// (after HAVE ALL, say) or past the end, or a later bitfield that takes back a piece it claimed.
// BEP 3 allows a bitfield only first, but aria2 sends another one mid-connection (with everything it
// has by then), so a later bitfield or HAVE ALL is accepted when it only adds pieces.
import { Bitfield } from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import type { Peer } from './peer.js';
import type { Runtime } from './runtime.js';

function lying(peer: Peer, what: string): EngineError {
  return new EngineError('PROTOCOL', `inconsistent piece announcements: ${what}`, { peer: peer.key });
}

export function onBitfield(rt: Runtime, peer: Peer, bytes: Uint8Array): void {
  // Length and spare bits were checked by the decoder (it knows the piece count); this re-checks.
  const pieces = Bitfield.fromBytes(bytes, rt.geometry.pieceCount);
  if (!peer.sawAvailability) {
    peer.sawAvailability = true;
    if (pieces.hasAll()) {
      markSeed(rt, peer);
    } else {
      peer.pieces = pieces;
      rt.picker.peerBitfield(bytes);
    }
  } else {
    if (peer.hasAll) {
      if (!pieces.hasAll()) throw lying(peer, 'a bitfield that takes back pieces after HAVE ALL');
      return;
    }
    for (const piece of peer.pieces.indices()) {
      if (!pieces.get(piece)) throw lying(peer, `a bitfield without piece ${piece}, which it claimed`);
    }
    for (const piece of pieces.indices()) {
      if (peer.pieces.set(piece)) rt.picker.peerHasPiece(piece);
    }
  }
  if (peer.isSeed) dropIfBothSeeds(rt, peer);
  if (peer.conn.closed) return;
  updateInterest(rt, peer);
}

export function onHaveAll(rt: Runtime, peer: Peer): void {
  if (peer.hasAll) return;
  if (peer.sawAvailability && !peer.pieces.hasNone()) rt.picker.peerLeft(peer.pieces.toBytes());
  peer.sawAvailability = true;
  markSeed(rt, peer);
  if (!peer.conn.closed) updateInterest(rt, peer);
}

export function onHaveNone(peer: Peer): void {
  if (peer.hasAll || !peer.pieces.hasNone()) throw lying(peer, 'HAVE NONE after claiming pieces');
  peer.sawAvailability = true;
}

export function onHave(rt: Runtime, peer: Peer, piece: number): void {
  if (piece >= rt.geometry.pieceCount) throw lying(peer, `HAVE for piece ${piece} of ${rt.geometry.pieceCount}`);
  if (peer.has(piece)) throw lying(peer, `HAVE for piece ${piece}, which it already claimed`);
  peer.sawAvailability = true;
  peer.pieces.set(piece);
  rt.picker.peerHasPiece(piece);
  if (peer.pieces.hasAll()) {
    dropIfBothSeeds(rt, peer);
    if (peer.conn.closed) return;
  }
  if (!peer.amInterested && rt.downloading && rt.picker.wants(piece)) rt.setInterested(peer, true);
  rt.downloader.fill(peer);
}

/** The peer left: its pieces no longer count. */
export function forgetPeer(rt: Runtime, peer: Peer): void {
  if (peer.countedAsSeed) rt.picker.peerLeftAll();
  else if (!peer.pieces.hasNone()) rt.picker.peerLeft(peer.pieces.toBytes());
}

function markSeed(rt: Runtime, peer: Peer): void {
  peer.hasAll = true;
  peer.countedAsSeed = true;
  rt.picker.peerHasAll();
  dropIfBothSeeds(rt, peer);
}

/** STATE.md: while seeding, connections to seeds are dropped; neither side wants anything. */
function dropIfBothSeeds(rt: Runtime, peer: Peer): void {
  if (!rt.picker.isFinished || !peer.isSeed) return;
  rt.swarm.forget(peer.key);
  rt.drop(peer, new EngineError('CLOSED', 'both ends are seeds', { peer: peer.key }));
}

/** Interested exactly when the peer has a piece we still want (checked again when picks run dry). */
export function updateInterest(rt: Runtime, peer: Peer): void {
  const interesting = rt.downloading && rt.picker.isInteresting(peer);
  if (interesting !== peer.amInterested) rt.setInterested(peer, interesting);
  if (interesting) rt.downloader.fill(peer);
}
