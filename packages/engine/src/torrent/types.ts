// The public shapes of a torrent: options, states, progress and events.
import type { StorageFactory } from '@typetorrent/storage';
import type { EngineError } from '../errors.js';

/**
 * The torrent's lifecycle (STATE.md beside the package): `fetching-metadata` (a magnet link's info
 * dict comes from peers, BEP 9), `checking` (establishing what is on disk),
 * `downloading`, `seeding` (every wanted piece verified; `complete` when every piece is), `queued`
 * (past the session's active downloads or seeds limit: no peers, no announces, started in queue
 * order when a slot frees), `paused`
 * (no peers, no announces, data open), `stopped` (data closed, resume data saved; `start()` checks
 * again) and `error` (halted by a storage failure; `start()` tries again).
 */
export type TorrentStatus =
  | { readonly state: 'fetching-metadata' }
  | { readonly state: 'checking' }
  | { readonly state: 'downloading' }
  | { readonly state: 'seeding'; readonly complete: boolean }
  | { readonly state: 'queued' }
  | { readonly state: 'paused' }
  | { readonly state: 'stopped' }
  | { readonly state: 'error'; readonly error: EngineError };

export type TorrentState = TorrentStatus['state'];

export interface TorrentProgress {
  readonly state: TorrentState;
  /** Payload bytes received from peers since the torrent started (duplicates and failed pieces too). */
  readonly downloaded: number;
  /** Payload bytes sent to peers since the torrent started. */
  readonly uploaded: number;
  /** Bytes of verified pieces. */
  readonly verifiedBytes: number;
  /** Bytes of the whole torrent. */
  readonly totalBytes: number;
  /** Bytes of the pieces wanted (the selected files); equal to totalBytes when all are. */
  readonly wantedBytes: number;
  /** Wanted bytes not verified yet (what trackers are told is `left`). */
  readonly leftBytes: number;
  /** While checking: pieces looked at so far, out of those to check. */
  readonly checked?: { readonly pieces: number; readonly of: number };
  readonly verifiedPieces: number;
  readonly pieceCount: number;
  /** Payload bytes per second, over the last few seconds. */
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Connected peers, and how many of them have every piece. */
  readonly peers: number;
  readonly seeds: number;
  /** Seconds until the wanted pieces are verified at the current rate; undefined when unknown. */
  readonly eta: number | undefined;
  /** uploaded / downloaded (0 before anything was downloaded). */
  readonly ratio: number;
}

export interface PeerInfo {
  /** "host:port" of the remote end (for incoming connections the port is the peer's source port). */
  readonly key: string;
  readonly direction: 'in' | 'out';
  /** The peer's client, from its BEP 10 handshake (`v`) when it sent one. */
  readonly client: string | undefined;
  readonly peerId: Uint8Array;
  /** Payload bytes received from / sent to this peer, and their rates in bytes per second. */
  readonly downloaded: number;
  readonly uploaded: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** BEP 3 state: we choke it / are interested in it; it chokes us / is interested in us. */
  readonly amChoking: boolean;
  readonly amInterested: boolean;
  readonly peerChoking: boolean;
  readonly peerInterested: boolean;
  /** Share of the torrent's pieces the peer has, 0 to 1. */
  readonly progress: number;
  /** It has sent us no block for a minute while we waited on it. */
  readonly snubbed: boolean;
}

export type PeerEvent =
  | { readonly type: 'connect'; readonly peer: PeerInfo }
  | { readonly type: 'disconnect'; readonly peer: PeerInfo; readonly reason: EngineError };

export type TorrentEvents = {
  /** The state changed (STATE.md lists the transitions). */
  state: [status: TorrentStatus, previous: TorrentState];
  /** About once a second while the torrent is running, and on every state change. */
  progress: [progress: TorrentProgress];
  peer: [event: PeerEvent];
  /** A piece passed its hash check and is written. */
  piece: [index: number];
  /** Something went wrong that the torrent works around: a tracker, a bad peer, a failed piece. */
  warning: [warning: EngineError];
  /** The torrent stopped working (state `error`). Emitted only when someone listens. */
  error: [error: EngineError];
  /** Every wanted piece is verified. */
  done: [];
};

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface TorrentRateLimits {
  /** Bytes per second; 0 or undefined: unlimited. */
  readonly download?: number;
  readonly upload?: number;
}

export interface AddTorrentOptions {
  /** Folder the torrent's files go in (a multi-file torrent gets a folder named after it inside). */
  readonly savePath: string;
  /**
   * Folder for the resume record (`<dir>/<infohash>.resume`), e.g. an application's state folder.
   * Default: `<savePath>/.typetorrent/`.
   */
  readonly resumeDirectory?: string;
  /** Where the data lives; default FileStorage under `savePath`. MemoryStorage/NullStorage for tests. */
  readonly storage?: StorageFactory;
  /** Keep uploading once done (default true); false stops the torrent when it is done. */
  readonly seed?: boolean;
  /** Connections for this torrent, both directions (default 50). */
  readonly maxPeers?: number;
  /** Download pieces in order instead of rarest first. */
  readonly sequential?: boolean;
  /** One priority per file, 0 (skip) to 7 (highest); default 4 for all. */
  readonly filePriorities?: readonly number[];
  /** Shorthand: download only these files (indices); the others get priority 0. */
  readonly selectedFiles?: readonly number[];
  readonly rateLimits?: TorrentRateLimits;
  /** Start at once (default true); false leaves the torrent `stopped` until `start()`. */
  readonly start?: boolean;
  /** Peers to connect to besides what trackers give. */
  readonly peers?: readonly Endpoint[];
  /** Announce to the torrent's trackers (default true). */
  readonly announce?: boolean;
  /** Ignore resume data and hash every piece present. */
  readonly fullCheck?: boolean;
  /** Cap on memory for pieces being downloaded, in bytes (storage default: 8 pieces within 32-64 MiB). */
  readonly memoryLimit?: number;
  /**
   * fsync the data before `done` and when stopping (default false). Without it the store fsyncs in the
   * background every 15 s while the torrent runs, and a torrent that stops at `done` leaves writeback
   * to the OS, as other clients do. Resume data that vouches for pieces not fsynced names the OS boot
   * and is trusted only in that boot: after a crash of the OS those pieces are checked again.
   */
  readonly durable?: boolean;
}
