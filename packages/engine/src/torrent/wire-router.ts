// Every message a peer can send once pieces are exchanged, to the handler that deals with it: one
// exhaustive switch. Flags (choke, interested) are already on the Peer (PeerHost sets them); the
// extension protocol never comes here. Throwing an EngineError drops (and, for PROTOCOL, bans) the peer.
import type { WireMessage } from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import type { EarlyAnnouncement } from './peer-pieces.js';
import type { Peer } from './peer.js';
import type { IncomingRequest } from './uploader.js';

export interface WireHandlers {
  onAnnouncement(peer: Peer, said: EarlyAnnouncement): void;
  onChoke(peer: Peer): void;
  onUnchoke(peer: Peer): void;
  onInterested(peer: Peer): void;
  onNotInterested(peer: Peer): void;
  onRequest(peer: Peer, request: IncomingRequest): void;
  onCancel(peer: Peer, request: IncomingRequest): void;
  onBlock(peer: Peer, piece: number, begin: number, block: Uint8Array): void;
  onReject(peer: Peer, piece: number, begin: number): void;
  onAllowedFast(peer: Peer, piece: number): void;
}

export function routeMessage(handlers: WireHandlers, peer: Peer, message: WireMessage): void {
  switch (message.type) {
    case 'keep-alive':
    case 'port':
    case 'unknown':
    case 'extended':
    case 'suggest-piece': // BEP 6: advisory only; rarest first already decides well on the networks we meet
      return;
    case 'choke':
      return handlers.onChoke(peer);
    case 'unchoke':
      return handlers.onUnchoke(peer);
    case 'interested':
      return handlers.onInterested(peer);
    case 'not-interested':
      return handlers.onNotInterested(peer);
    case 'have':
    case 'bitfield':
    case 'have-all':
    case 'have-none':
      return handlers.onAnnouncement(peer, message);
    case 'request':
      return handlers.onRequest(peer, { piece: message.index, begin: message.begin, length: message.length });
    case 'cancel':
      return handlers.onCancel(peer, { piece: message.index, begin: message.begin, length: message.length });
    case 'piece':
      return handlers.onBlock(peer, message.index, message.begin, message.block);
    case 'reject-request':
      return handlers.onReject(peer, message.index, message.begin);
    case 'allowed-fast':
      return handlers.onAllowedFast(peer, message.index);
    case 'handshake':
      throw new EngineError('PROTOCOL', 'a second handshake', { peer: peer.key });
  }
}
