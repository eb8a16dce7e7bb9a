// BEP 11 ut_pex as a plug-in: the peers a peer is connected to become candidates. Never for a
// private torrent (BEP 27: its peers come from its tracker only). The decoder caps the list; a
// malformed message is fatal, as BEP 11 allows.
import { decodeUtPex, UT_PEX } from '@typetorrent/peer-wire';
import type { Peer } from '../torrent/peer.js';
import type { Endpoint } from '../torrent/types.js';
import type { Extension } from './extension.js';

export interface UtPexHost {
  /** Private torrents (known once the metadata is) neither offer nor read PEX. */
  isPrivate(): boolean;
  /** Candidates learnt from a peer. */
  learnt(peers: readonly Endpoint[]): void;
}

export class UtPex implements Extension {
  readonly name = UT_PEX;
  readonly #host: UtPexHost;

  constructor(host: UtPexHost) {
    this.#host = host;
  }

  offered(): boolean {
    return !this.#host.isPrivate();
  }

  onMessage(_peer: Peer, payload: Uint8Array): void {
    const message = decodeUtPex(payload);
    this.#host.learnt(message.added);
  }
}
