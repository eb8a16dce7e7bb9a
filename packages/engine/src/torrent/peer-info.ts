// A connected peer as the public API shows it (Torrent.peers(), peer events).
import type { Peer } from './peer.js';
import type { PeerInfo } from './types.js';

export function peerInfo(peer: Peer, snubbed: boolean): PeerInfo {
  const pieceCount = peer.pieces.bits?.pieceCount ?? 0;
  return {
    key: peer.key,
    direction: peer.conn.direction,
    client: peer.client,
    peerId: peer.conn.peerId,
    downloaded: peer.downloadMeter.total,
    uploaded: peer.uploadMeter.total,
    downloadRate: peer.downloadMeter.rate(),
    uploadRate: peer.uploadMeter.rate(),
    amChoking: peer.amChoking,
    amInterested: peer.amInterested,
    peerChoking: peer.peerChoking,
    peerInterested: peer.peerInterested,
    progress: peer.pieces.hasAll || pieceCount === 0 ? (peer.pieces.hasAll ? 1 : 0) : peer.pieces.count() / pieceCount,
    snubbed,
  };
}
