// BEP 9 ut_metadata as a plug-in: answers requests for the info dict once we hold it, and fetches
// it from peers while a magnet link's metadata is missing (see metadata/metadata-fetch.ts).
import {
  decodeUtMetadata,
  encodeUtMetadata,
  metadataPieceCount,
  metadataPieceLength,
  METADATA_PIECE_LENGTH,
  UT_METADATA,
  WireError,
  type ExtendedHandshake,
  type UtMetadataMessage,
} from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import { MetadataFetch } from '../metadata/metadata-fetch.js';
import type { Peer } from '../torrent/peer.js';
import type { Extension, HandshakeFields } from './extension.js';

/** Requests for metadata pieces a peer may make per connection; past this it is abusing us. */
export const MAX_METADATA_REQUESTS = 2000;

export interface UtMetadataHost {
  readonly infoHash: Uint8Array;
  readonly clock: Clock;
  send(peer: Peer, payload: Uint8Array): boolean;
  warn(warning: EngineError): void;
  /** Bans the peer and closes its connection. */
  ban(peer: Peer, reason: EngineError): void;
  /** The dict hashed to the info-hash. */
  verified(bytes: Uint8Array): void;
}

export class UtMetadata implements Extension {
  readonly name = UT_METADATA;
  readonly #host: UtMetadataHost;
  /** The verified info dict, once known. */
  #info: Uint8Array | undefined;
  #fetch: MetadataFetch | undefined;
  readonly #supporting = new Set<Peer>();
  readonly #requestsFrom = new Map<Peer, number>();

  constructor(host: UtMetadataHost, info: Uint8Array | undefined) {
    this.#host = host;
    this.#info = info;
    if (info === undefined) this.#fetch = new MetadataFetch(host.infoHash);
  }

  offered(): boolean {
    return true;
  }

  handshakeFields(): HandshakeFields {
    return this.#info === undefined ? {} : { metadataSize: this.#info.length };
  }

  /** Fetching is over: requests are answered from `info` from now on. */
  setInfo(info: Uint8Array): void {
    this.#info = info;
    this.#fetch = undefined;
  }

  onHandshake(peer: Peer, supported: boolean, handshake: ExtendedHandshake): void {
    if (!supported) {
      this.leave(peer);
      return;
    }
    this.#supporting.add(peer);
    const fetch = this.#fetch;
    if (fetch === undefined) return;
    const ignored = fetch.claim(peer.key, handshake.metadataSize);
    if (ignored !== undefined && handshake.metadataSize !== undefined) {
      this.#host.warn(new EngineError('PROTOCOL', `not fetching metadata from ${peer.key}: ${ignored}`, { peer: peer.key }));
    }
    this.#request(peer);
  }

  onMessage(peer: Peer, payload: Uint8Array): void {
    const fetch = this.#fetch;
    const size = this.#info?.length ?? fetch?.sizeClaimedBy(peer.key);
    let message: UtMetadataMessage;
    try {
      // A request beyond the dict is not an error to drop for (BEP 9: reject it), so requests are
      // range-checked here, not by the decoder.
      message = decodeUtMetadata(payload, size === undefined ? {} : { metadataSize: size });
    } catch (error) {
      if (error instanceof WireError && !error.fatal) {
        const piece = requestedPiece(payload);
        if (piece !== undefined) this.#answer(peer, piece);
        return;
      }
      throw error;
    }
    switch (message.msgType) {
      case 'request':
        this.#answer(peer, message.piece);
        return;
      case 'reject':
        fetch?.rejected(peer.key, message.piece);
        this.#request(peer);
        return;
      case 'data':
        if (fetch !== undefined) this.#received(fetch, peer, message.piece, message.data);
        return;
      case 'unknown':
        return;
    }
  }

  /** Timed-out pieces are asked again. */
  tick(): void {
    for (const peer of this.#supporting) this.#request(peer);
  }

  leave(peer: Peer): void {
    this.#supporting.delete(peer);
    this.#requestsFrom.delete(peer);
    this.#fetch?.leave(peer.key);
  }

  #answer(peer: Peer, piece: number): void {
    if (!this.#supporting.has(peer)) return;
    const count = (this.#requestsFrom.get(peer) ?? 0) + 1;
    this.#requestsFrom.set(peer, count);
    if (count > MAX_METADATA_REQUESTS) throw new EngineError('PROTOCOL', 'too many metadata requests', { peer: peer.key });
    const info = this.#info;
    if (info === undefined || piece >= metadataPieceCount(info.length)) {
      this.#host.send(peer, encodeUtMetadata({ msgType: 'reject', piece }));
      return;
    }
    const start = piece * METADATA_PIECE_LENGTH;
    const data = info.subarray(start, start + metadataPieceLength(info.length, piece));
    this.#host.send(peer, encodeUtMetadata({ msgType: 'data', piece, totalSize: info.length, data }));
  }

  #received(fetch: MetadataFetch, peer: Peer, piece: number, data: Uint8Array): void {
    const outcome = fetch.received(peer.key, piece, data);
    switch (outcome.kind) {
      case 'pending':
        this.#request(peer);
        return;
      case 'verified':
        this.setInfo(outcome.bytes);
        this.#host.verified(outcome.bytes);
        return;
      case 'forged':
        this.#host.warn(outcome.warning);
        for (const key of outcome.guilty) {
          const guilty = [...this.#supporting].find((p) => p.key === key);
          if (guilty !== undefined) this.#host.ban(guilty, new EngineError('CORRUPT_DATA', 'sent metadata that does not match the info-hash', { peer: key }));
        }
        for (const other of this.#supporting) this.#request(other);
        return;
    }
  }

  #request(peer: Peer): void {
    const fetch = this.#fetch;
    if (fetch === undefined || peer.conn.closed) return;
    for (const piece of fetch.requests(peer.key, this.#host.clock.now())) {
      this.#host.send(peer, encodeUtMetadata({ msgType: 'request', piece }));
    }
  }
}

/** The piece of a request the decoder refused as out of range (it checks the size only for requests). */
function requestedPiece(payload: Uint8Array): number | undefined {
  try {
    const message = decodeUtMetadata(payload);
    return message.msgType === 'request' ? message.piece : undefined;
  } catch {
    return undefined;
  }
}
