// Whether a connection that completed its handshake may stay, and the PeerConnection if so. Shared
// by running torrents and magnet links fetching metadata: never ourselves, never a banned peer,
// never two connections to one peer, never over the limit. Refused sockets are closed and their
// budget slot released here.
import { decodeReserved, encodeHandshake, negotiate } from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import { tuneForPeer } from '../net/peer-socket.js';
import type { SessionServices } from '../torrent/services.js';
import { addressKey, peerIdKey } from './ban-list.js';
import { outgoing, sameBytes, type Handshaken } from './handshake-io.js';
import { PeerConnection, type PeerDirection } from './peer-connection.js';

export interface AdmissionHost {
  readonly services: SessionServices;
  readonly infoHash: Uint8Array;
  readonly active: boolean;
  readonly maxPeers: number;
  /** The connections we have, to find duplicates. */
  connections(): Iterable<PeerConnection>;
  /** The endpoint turned out to be us: never dial it again. */
  markSelf(key: string): void;
  /** The torrent is full: close an idle, unproductive connection if there is one (true when it did). */
  makeRoom(): boolean;
}

/**
 * Admits a handshaken connection: answers an incoming one with our handshake and returns the
 * connection (not started: attach listeners, then `start()`), or undefined when refused.
 * `pieceCount` lets the decoder check bitfields (unknown while fetching metadata).
 */
export function admit(host: AdmissionHost, handshaken: Handshaken, key: string, direction: PeerDirection, pieceCount: number | undefined): PeerConnection | undefined {
  const { socket, decoder, handshake } = handshaken;
  const { services } = host;
  // Encrypted (MSE) connections get it encrypted; made fresh at each use, as that is in place.
  const ours = (): Uint8Array => outgoing(handshaken, encodeHandshake({ reserved: services.reserved, infoHash: host.infoHash, peerId: services.peerId }));
  const refusal = refusalOf(host, handshaken, key, direction);
  if (refusal !== undefined) {
    services.budget.release();
    if (refusal.code === 'SELF_CONNECTION') {
      host.markSelf(key);
      // Answer our own dial before closing, so the dialling side sees its peer id too and never
      // tries that address again.
      if (direction === 'in') socket.end(ours());
      else socket.destroy();
    } else {
      socket.destroy();
    }
    return undefined;
  }
  if (direction === 'in') socket.write(ours());
  tuneForPeer(socket, handshake.peerId);
  if (pieceCount !== undefined) decoder.setPieceCount(pieceCount);
  const { fast, extended } = negotiate(decodeReserved(services.reserved), decodeReserved(handshake.reserved));
  return new PeerConnection({
    socket,
    decoder,
    clock: services.clock,
    key,
    direction,
    peerId: handshake.peerId,
    fast,
    extended,
    keepAliveMs: services.tuning.keepAliveMs,
    inactivityMs: services.tuning.inactivityMs,
    cipher: handshaken.cipher,
  });
}

function refusalOf(host: AdmissionHost, handshaken: Handshaken, key: string, direction: PeerDirection): EngineError | undefined {
  const { peerId } = handshaken.handshake;
  const { services } = host;
  if (!host.active) return new EngineError('INVALID_STATE', 'torrent is not running', { peer: key });
  if (sameBytes(peerId, services.peerId)) return new EngineError('SELF_CONNECTION', 'connected to ourselves', { peer: key });
  if (services.bans.isBanned(key, peerIdKey(peerId), addressKey(handshaken.socket.remoteAddress))) return new EngineError('BANNED', 'peer is banned', { peer: key });
  let count = 0;
  for (const other of host.connections()) {
    if (other.closed) continue;
    count++;
    const samePeer = sameBytes(other.peerId, peerId);
    // Over uTP an incoming connection comes from the peer's listen port, so its key is the one we
    // dial: the same key the other way round is two ends dialling each other (the tie-break below).
    if (other.key === key && (!samePeer || other.direction === direction)) return new EngineError('DUPLICATE_PEER', 'already connected', { peer: key });
    if (!samePeer) continue;
    // Both ends dialled each other. Each end keeps the connection opened by the larger peer id, so
    // both keep the same one (dropping "the newer one" on each side can drop both).
    if (initiator(services, other.direction, peerId) > initiator(services, direction, peerId)) {
      return new EngineError('DUPLICATE_PEER', 'already connected to this peer id', { peer: key });
    }
    other.close(new EngineError('DUPLICATE_PEER', 'replaced by a connection the other way', { peer: other.key }));
    count--;
  }
  if (count >= host.maxPeers && !host.makeRoom()) return new EngineError('TOO_MANY_PEERS', 'torrent connection limit reached', { peer: key });
  return undefined;
}

/** The peer id of whoever opened a connection, as hex, for the duplicate tie-break. */
function initiator(services: SessionServices, direction: PeerDirection, theirs: Uint8Array): string {
  return Buffer.from(direction === 'out' ? services.peerId : theirs).toString('hex');
}
