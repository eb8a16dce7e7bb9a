// Every message a peer can send, to what it does here: one exhaustive switch. Throwing an
// EngineError drops (and, for PROTOCOL, bans) the peer; see Runtime.
import type { WireMessage } from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import { onBitfield, onHave, onHaveAll, onHaveNone } from './availability.js';
import { onExtended } from './extensions.js';
import type { Peer } from './peer.js';
import type { Runtime } from './runtime.js';

export function handleMessage(rt: Runtime, peer: Peer, message: WireMessage): void {
  switch (message.type) {
    case 'keep-alive':
    case 'port': // BEP 5: a DHT port; we run no DHT
    case 'unknown': // skipped by the decoder without buffering (BEP 3: ignore unknown ids)
      return;
    case 'choke':
      peer.peerChoking = true;
      rt.downloader.onChoke(peer);
      return;
    case 'unchoke':
      peer.peerChoking = false;
      rt.downloader.fill(peer);
      return;
    case 'interested':
      peer.peerInterested = true;
      rt.choking.onInterested(peer);
      return;
    case 'not-interested':
      peer.peerInterested = false;
      // Its upload slot would idle until the next round: hand it on now (STATE.md).
      if (!peer.amChoking) rt.choking.rechoke(rt.services.clock.now());
      return;
    case 'have':
      onHave(rt, peer, message.index);
      return;
    case 'bitfield':
      onBitfield(rt, peer, message.bytes);
      return;
    case 'have-all':
      onHaveAll(rt, peer);
      return;
    case 'have-none':
      onHaveNone(peer);
      return;
    case 'request':
      rt.uploader.onRequest(peer, { piece: message.index, begin: message.begin, length: message.length });
      return;
    case 'cancel':
      rt.uploader.onCancel(peer, message.index, message.begin, message.length);
      return;
    case 'piece':
      rt.downloader.onBlock(peer, message.index, message.begin, message.block);
      return;
    case 'reject-request':
      rt.downloader.onReject(peer, message.index, message.begin);
      return;
    case 'allowed-fast':
      // BEP 6: the peer lets us request this piece while it chokes us.
      if (message.index < rt.geometry.pieceCount) {
        peer.allowedFast.add(message.index);
        if (peer.peerChoking && peer.has(message.index) && rt.picker.wants(message.index)) {
          if (!peer.amInterested) rt.setInterested(peer, true);
          rt.downloader.fill(peer);
        }
      }
      return;
    case 'suggest-piece':
      // BEP 6: advisory only; rarest first already decides well on the networks we meet.
      return;
    case 'extended':
      onExtended(rt, peer, message.id, message.payload);
      return;
    case 'handshake':
      throw new EngineError('PROTOCOL', 'a second handshake', { peer: peer.key });
  }
}
