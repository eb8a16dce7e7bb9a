// What a session lends each of its torrents: identity, time, sockets, the shared ban list and
// connection budget, session-wide rate limiters, tracker transports and tuning values.
import type { Hasher, OpenFilePool } from '@typetorrent/storage';
import type { TrackerTransport } from '@typetorrent/tracker';
import type { Clock } from '../clock.js';
import type { ActiveSlots } from './active-slots.js';
import type { AnnouncePacing } from './announce-pacing.js';
import type { DialEncryption, SocketFactory } from '../net/socket-factory.js';
import type { BanList } from '../peer/ban-list.js';
import type { DhtService } from './dht-service.js';
import type { LsdService } from './lsd-service.js';
import type { UploadMemory } from './upload-memory.js';
import type { UploadSlots } from './upload-slots.js';
import type { Limiter } from '../rate/rate-limiter.js';
import type { EngineTuning } from '../tuning.js';

/** Counts connections against the session's global limits. */
export interface ConnectionBudget {
  /** Takes one connection slot (connecting or connected); false when the session is full. */
  acquire(): boolean;
  release(): void;
  /** Takes one outgoing-connect slot (half-open); false when enough connects are in flight. */
  acquireConnect(): boolean;
  releaseConnect(): void;
}

/** The session's turns at hashing data on disk (see session/check-queue.ts). */
export interface CheckSlots {
  /** Resolves with the slot's release once the torrent may hash; rejects when `signal` fires first. */
  take(signal?: AbortSignal): Promise<() => void>;
}

/** Something woken once per `tuning.tickMs` while registered (a torrent in an active phase). */
export interface Tickable {
  tick(now: number): void;
}

/** The session's one periodic tick, shared by its torrents. */
export interface SessionTicks {
  add(member: Tickable): void;
  remove(member: Tickable): void;
}

export interface SessionServices {
  readonly clock: Clock;
  /** Our 20-byte peer id, the same for every torrent of the session. */
  readonly peerId: Uint8Array;
  /** The 8 reserved handshake bytes we send (BEP 6 fast, BEP 10 extended). */
  readonly reserved: Uint8Array;
  readonly socketFactory: SocketFactory;
  readonly bans: BanList;
  readonly budget: ConnectionBudget;
  /** Session-wide limits, last in every torrent's chain. */
  readonly downloadLimiter: Limiter;
  readonly uploadLimiter: Limiter;
  readonly tuning: EngineTuning;
  /** The port we listen on, 0 when not listening (announced to trackers and in BEP 10 `p`). */
  listenPort(): number;
  /** Hashes pieces for every torrent; undefined: each store hashes on the event loop. */
  readonly hasher: Hasher | undefined;
  /** The session's DHT node (BEP 5); undefined: no DHT. */
  readonly dht?: DhtService | undefined;
  /** Peer exchange (BEP 11) for public torrents; default true. */
  readonly pex?: boolean;
  /** The session's Local Service Discovery (BEP 14); undefined: none. */
  readonly lsd?: LsdService | undefined;
  /** Open file handles shared by every torrent's default storage; undefined: a pool per torrent. */
  readonly openFiles?: OpenFilePool | undefined;
  /** Turns at hashing data on disk; undefined: every torrent checks at once. */
  readonly checkSlots?: CheckSlots | undefined;
  /** Turns at DHT lookups (torrent/dht-announcer.ts); undefined: every torrent looks up at once. */
  readonly dhtTurns?: CheckSlots | undefined;
  /**
   * Turns at closing a torrent's data (flush, resume save and fsync, files closed); undefined: every
   * torrent closes at once. A session closing 10,000 torrents writes a few records at a time.
   */
  readonly dataCloses?: CheckSlots | undefined;
  /** The session's active downloads/seeds queue; undefined: every started torrent runs. */
  readonly activeSlots?: ActiveSlots | undefined;
  /** The session's pace for tracker announces; undefined: each announces at once, intervals as given. */
  readonly announcePacing?: AnnouncePacing | undefined;
  /** The session's tick; undefined: each torrent runs its own interval (see TickGroup). */
  readonly ticks?: SessionTicks | undefined;
  /** The cap on upload data held in memory, per peer and for all torrents; undefined: one per torrent, defaults. */
  readonly uploadMemory?: UploadMemory | undefined;
  /** Upload slots shared by all torrents; undefined: each torrent unchokes its own `tuning.uploadSlots` + 1. */
  readonly uploadSlots?: UploadSlots | undefined;
  /** Shared tracker clients (one UDP socket for the whole session). */
  readonly trackers: { readonly http?: TrackerTransport; readonly udp?: TrackerTransport };
  /**
   * The session's encryption policy for outgoing connections (pass it to `dial` as `encryption`);
   * `socketFactory` carries the same, so dials that do not pass it follow it too. Undefined: plaintext.
   */
  readonly encryption?: DialEncryption;
}
