// Values shared by the HTTP and UDP clients, the announcer and their callers.

/**
 * BEP 3 `event`: `started` on the first announce to a tracker, `completed` once when the download
 * finishes, `stopped` when leaving, `none` for the regular re-announce (omitted over HTTP, 0 over UDP).
 */
export type AnnounceEvent = 'none' | 'started' | 'completed' | 'stopped';

export interface AnnounceRequest {
  /** 20 bytes: the v1 info-hash (or a v2 hash truncated to 20 bytes, BEP 52). */
  readonly infoHash: Uint8Array;
  /** 20 bytes. */
  readonly peerId: Uint8Array;
  /** The TCP port we accept peers on, 1–65535. */
  readonly port: number;
  /** Bytes uploaded since the `started` event (BEP 3). */
  readonly uploaded: number;
  /** Bytes downloaded since the `started` event (BEP 3). */
  readonly downloaded: number;
  /** Bytes still needed for the whole torrent; 0 means we are a seeder. */
  readonly left: number;
  readonly event: AnnounceEvent;
  /** Peers wanted; left out, the tracker picks its default (HTTP: no `numwant`, UDP: -1). */
  readonly numWant?: number;
  /** A random uint32 that lets a tracker recognise us when our IP changes (BEP 7, BEP 15). */
  readonly key?: number;
  /** HTTP only: the `tracker id` an earlier response carried, echoed back as `trackerid` (BEP 3). */
  readonly trackerId?: Uint8Array;
  /**
   * HTTP only: we speak Message Stream Encryption (`supportcrypto=1`, as libtorrent and Azureus
   * send), or accept only encrypted peers (`requirecrypto=1` too). Left out: nothing is said.
   */
  readonly crypto?: CryptoSupport;
}

export type CryptoSupport = 'supported' | 'required';

/** A peer as trackers report it. `host` is an IPv4/IPv6 literal, or a DNS name from a dict peer list. */
export interface Peer {
  readonly host: string;
  readonly port: number;
  /** Only non-compact (dictionary) peer lists carry the peer's id. */
  readonly peerId?: Uint8Array;
}

export interface AnnounceSuccess {
  readonly ok: true;
  /** Seconds until the next regular announce, when the tracker said. */
  readonly interval?: number;
  /** Seconds the tracker wants between any two announces (`min interval`). */
  readonly minInterval?: number;
  /** Peers with the whole torrent (`complete` over HTTP). */
  readonly seeders?: number;
  /** Peers still downloading (`incomplete` over HTTP). */
  readonly leechers?: number;
  /** IPv4 and IPv6 peers together (BEP 23 `peers`, BEP 7 `peers6`, or the BEP 15 list). */
  readonly peers: readonly Peer[];
  /** HTTP `tracker id`, to echo in later announces to the same tracker. */
  readonly trackerId?: Uint8Array;
  /** HTTP `warning message`: the announce worked, but the tracker wants us to know something. */
  readonly warning?: string;
}

/** The tracker refused: HTTP `failure reason`, a BEP 15 error packet, or an empty UDP reply. */
export interface AnnounceFailure {
  readonly ok: false;
  readonly reason: string;
  /** BEP 31 `retry in`, in minutes, when the tracker gave one. */
  readonly retryInMinutes?: number;
}

export type AnnounceResult = AnnounceSuccess | AnnounceFailure;

/** One torrent's counts from a scrape (BEP 48 `files` entry, or one BEP 15 scrape record). */
export interface ScrapeStats {
  readonly infoHash: Uint8Array;
  /** Lowercase hex of `infoHash`, for use as a map key. */
  readonly infoHashHex: string;
  /** `complete` over HTTP. */
  readonly seeders: number;
  /** Times the torrent was downloaded to the end (`downloaded` over HTTP, `completed` over UDP). */
  readonly completed: number;
  /** `incomplete` over HTTP. */
  readonly leechers: number;
  /** BEP 48 optional `name`. */
  readonly name?: string;
}

export type ScrapeResult =
  | { readonly ok: true; readonly files: readonly ScrapeStats[] }
  | { readonly ok: false; readonly reason: string };

/** Options every network call takes. */
export interface RequestOptions {
  readonly signal?: AbortSignal;
}

/** What the announcer needs from a client; HttpTrackerClient and UdpTrackerClient both provide it. */
export interface TrackerTransport {
  announce(url: string, request: AnnounceRequest, options?: RequestOptions): Promise<AnnounceResult>;
  scrape(url: string, infoHashes: readonly Uint8Array[], options?: RequestOptions): Promise<ScrapeResult>;
}
