// What a torrent may ask of the session's DHT node (BEP 5): peers for its info-hash, an announce
// that it is here, and the nodes peers tell us of in PORT messages.
import type { Endpoint } from './types.js';

export interface DhtService {
  /** Peers the DHT knows for `infoHash`, as lookups find them; ends when the lookup converges. */
  lookup(infoHash: Uint8Array, options: { readonly signal: AbortSignal }): AsyncIterable<Endpoint>;
  /** Tells the nodes closest to `infoHash` that we serve it on `port` (TCP); resolves with how many took it. */
  announce(infoHash: Uint8Array, port: number, options: { readonly signal: AbortSignal }): Promise<number>;
  /** A peer's PORT message: its DHT node may join our routing table. */
  addNode(host: string, port: number): void;
  /** Our node's UDP port, told to peers in PORT messages (0 while it is not running). */
  readonly port: number;
  /** Nodes in the routing table (0 until bootstrapped). */
  readonly nodeCount: number;
}
