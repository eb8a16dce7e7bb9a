// What a torrent may ask of the session's Local Service Discovery (BEP 14): to be announced on the
// local network and told of the peers that announce it there. Never for private torrents (BEP 27).
import type { Endpoint } from './types.js';

export interface LsdService {
  /**
   * Announces `infoHash` now (or as soon as once-a-minute allows) and then every few minutes, and
   * hands `found` each peer announcing it. The returned function ends both.
   */
  join(infoHash: Uint8Array, found: (peers: readonly Endpoint[]) => void): () => void;
}
