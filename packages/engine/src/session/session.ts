// A session: many torrents behind one listen port and one peer id, sharing connection limits, rate limits,
// the ban list and the tracker clients. Incoming connections go to the torrent their handshake names.
import { EventEmitter } from 'node:events';
import { InfoHashIndex, MseRateLimiter } from '@typetorrent/mse';
import { MetainfoError, parseMagnet, parseTorrent, type MagnetLink, type Metainfo } from '@typetorrent/metainfo';
import { createPeerId, encodeReserved, PEER_ID_LENGTH } from '@typetorrent/peer-wire';
import { HttpTrackerClient, UdpTrackerClient, type TrackerTransport } from '@typetorrent/tracker';
import { OpenFilePool, type Hasher, type StorageFactory } from '@typetorrent/storage';
import { systemClock, type Clock } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import { BoundedKeys } from '../net/bounded-keys.js';
import { checkEncryptionPolicy, type EncryptionPolicy } from '../net/encryption.js';
import { tcpSocketFactory, withEncryption, type DialEncryption, type SocketFactory } from '../net/socket-factory.js';
import { UTP_HEAD_START_MS, utpFirstFactory } from '../net/utp-dial.js';
import { BanList } from '../peer/ban-list.js';
import type { Handshaken } from '../peer/handshake-io.js';
import type { PeerSocket } from '../net/peer-socket.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import type { SessionServices } from '../torrent/services.js';
import { DEFAULT_HASH_THREADS, SessionHasher } from './session-hasher.js';
import { MAX_OPEN_FILES } from '../torrent/open.js';
import { TickGroup } from '../torrent/tick-group.js';
import { UploadMemory, type UploadMemoryOptions } from '../torrent/upload-memory.js';
import { DEFAULT_SESSION_UPLOAD_SLOTS, UploadSlots } from '../torrent/upload-slots.js';
import { Torrent } from '../torrent/torrent.js';
import type { AddTorrentOptions, TorrentRateLimits } from '../torrent/types.js';
import { DEFAULT_TUNING, type EngineTuning } from '../tuning.js';
import { Budget, DEFAULT_MAX_CONNECTING, DEFAULT_MAX_CONNECTIONS } from './budget.js';
import { sessionPacer, sessionQueue, type ActiveLimits, type ActiveQueue, type AnnouncePacer, type QueueingOptions } from './queueing.js';
import { CheckQueue, DATA_CLOSES_AT_ONCE } from './check-queue.js';
import { DHT_LOOKUPS_AT_ONCE } from '../torrent/dht-announcer.js';
import { fileLimitWarning, openFileLimit } from './file-limit.js';
import { Listener } from './listener.js';
import { SessionDht, type SessionDhtOptions } from './session-dht.js';
import { SessionLsd, type SessionLsdOptions } from './session-lsd.js';
import { SessionUdp, type SessionUtpOptions } from './session-udp.js';

export const DEFAULT_PORT = 6881;

/** Peers remembered as speaking no MSE, and peers already warned about; the oldest are forgotten first. */
const REMEMBERED_PEERS = 4096;

export interface SessionOptions extends QueueingOptions {
  /** TCP port for incoming peers, shared by every torrent (default 6881; 0: the OS picks one). */
  readonly port?: number;
  /** Address to listen on (default all IPv4 addresses, '0.0.0.0'). */
  readonly host?: string;
  /** 20 bytes; default a fresh "-TT0100-" id. */
  readonly peerId?: Uint8Array;
  /** Connections across all torrents (default 500). */
  readonly maxConnections?: number;
  /** Peers unchoked at once in all torrents, shared by demand (default 8; each torrent at most 4 + 1; Infinity: none). */
  readonly maxUploadSlots?: number;
  /** Upload data read and not yet sent, per peer (1 MiB) and in all (32 MiB); past it requests wait unread. */
  readonly uploadBuffer?: UploadMemoryOptions;
  /** Outgoing connects in flight at once (default 30). */
  readonly maxConnecting?: number;
  /** Session-wide limits in bytes per second, on top of each torrent's own. */
  readonly rateLimits?: TorrentRateLimits;
  /** Storage for torrents added without one (default FileStorage under each torrent's save path). */
  readonly storage?: StorageFactory;
  /**
   * Open file handles of the default storage, one pool for all torrents (default 256): the least
   * recently used closes first, and a seeding torrent's files are open only while read (but the 8
   * most recently read). A warning at `listen()` when this plus `maxConnections` nears the process limit.
   */
  readonly maxOpenFiles?: number;
  /** Torrents hashing data on disk at once (default 1); others wait in `checking`. Resume data that vouches for everything skips the queue. */
  readonly maxChecking?: number;
  readonly clock?: Clock;
  readonly socketFactory?: SocketFactory;
  /** Timeouts and queue sizes (see EngineTuning); tests shorten them. */
  readonly tuning?: Partial<EngineTuning>;
  /** Worker threads hashing pieces, shared by all torrents (default 1; 0: hash on the event loop). */
  readonly hashThreads?: number;
  /** Hashes pieces for every torrent instead of the `hashThreads` threads (the caller closes it). */
  readonly hasher?: Hasher;
  /**
   * Tracker clients; default one shared HttpTrackerClient (announcing `supportcrypto`, and
   * `requirecrypto` under `encryption: 'require'`) and one shared UDP client.
   */
  readonly trackers?: { readonly http?: TrackerTransport; readonly udp?: TrackerTransport };
  /**
   * Message Stream Encryption (default `prefer`): `prefer` dials with MSE, falls back to plaintext
   * for peers that do not speak it, accepts both and picks RC4 when offered; `require` refuses
   * plaintext peers both ways (with a warning per peer); `disable` never encrypts and refuses
   * incoming MSE.
   */
  readonly encryption?: EncryptionPolicy;
  /**
   * Run a DHT node (BEP 5) on the session's port number over UDP, a peer source for every public
   * torrent. Off unless given; `{}` joins through the public routers, `bootstrap` names others.
   */
  readonly dht?: SessionDhtOptions;
  /** Peer exchange (BEP 11, ut_pex) for public torrents, both ways (default true). */
  readonly pex?: boolean;
  /**
   * Local Service Discovery (BEP 14): announce every public torrent to the local network by UDP
   * multicast (239.192.152.143:6771, and [ff15::efc0:988f]:6771 where IPv6 allows) and take the
   * peers announcing it there. Off unless given.
   */
  readonly lsd?: SessionLsdOptions;
  /**
   * uTP (BEP 29) beside TCP, on a UDP socket on the session's port number (shared with the DHT):
   * incoming uTP connections are accepted like TCP ones, and peers are dialled over uTP first, TCP
   * joining in when uTP has not connected within `headStartMs`. Off unless given (`true` or options).
   */
  readonly utp?: boolean | SessionUtpOptions;
}

export type SessionEvents = {
  /** A torrent was added (its `state` events follow). */
  added: [torrent: Torrent];
  /** A torrent was removed (it is stopped). */
  removed: [torrent: Torrent];
  /** Something at session level went wrong that the session works around. */
  warning: [warning: EngineError];
};

export class Session extends EventEmitter<SessionEvents> {
  readonly peerId: Uint8Array;
  readonly #options: SessionOptions;
  readonly #services: SessionServices;
  readonly #torrents = new Map<string, Torrent>();
  readonly #downloadLimiter: RateLimiter;
  readonly #uploadLimiter: RateLimiter;
  readonly #listener: Listener;
  readonly #queue: ActiveQueue;
  readonly #pacer: AnnouncePacer;
  readonly #ownUdp: UdpTrackerClient | undefined;
  readonly #hasher: SessionHasher | undefined;
  readonly #dht: SessionDht | undefined;
  readonly #lsd: SessionLsd | undefined;
  /** The UDP socket of uTP and the DHT; undefined when neither runs. */
  readonly #udp: SessionUdp | undefined;
  /** Every torrent's info-hash by HASH('req2', info-hash): how incoming MSE handshakes find theirs. */
  readonly #infoHashes = new InfoHashIndex();
  /** Peers already told about in a warning (a refused peer redials; one line per peer is enough). */
  readonly #warned = new BoundedKeys(REMEMBERED_PEERS);
  readonly encryption: EncryptionPolicy;
  #listening: Promise<number> | undefined;
  #closed = false;

  constructor(options: SessionOptions = {}) {
    super();
    this.#options = options;
    const port = options.port ?? DEFAULT_PORT;
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new EngineError('INVALID_ARGUMENT', `port must be 0..65535, got ${port}`);
    if (options.peerId !== undefined && options.peerId.length !== PEER_ID_LENGTH) throw new EngineError('INVALID_ARGUMENT', `peerId must be ${PEER_ID_LENGTH} bytes`);
    this.peerId = options.peerId ?? createPeerId();
    this.encryption = checkEncryptionPolicy(options.encryption);
    const clock = options.clock ?? systemClock;
    const tuning: EngineTuning = { ...DEFAULT_TUNING, ...options.tuning };
    const now = (): number => clock.now();
    this.#downloadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.download });
    this.#uploadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.upload });
    this.#queue = sessionQueue(options, clock);
    this.#pacer = sessionPacer(options, clock);
    const budget = new Budget(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, options.maxConnecting ?? DEFAULT_MAX_CONNECTING);
    this.#ownUdp = options.trackers?.udp === undefined ? new UdpTrackerClient() : undefined;
    const udp = options.trackers?.udp ?? this.#ownUdp;
    const hashThreads = options.hashThreads ?? DEFAULT_HASH_THREADS;
    this.#hasher = hashThreads === 0 ? undefined : new SessionHasher(hashThreads);
    // Once per subject: an outgoing peer by address and port, an incoming one by address (its port
    // changes with every connection).
    const warnOnce = (warning: EngineError, subject = warning.peer): void => {
      if (subject === undefined || this.#warned.add(subject)) this.emit('warning', warning);
    };
    const encryption: DialEncryption = { policy: this.encryption, plaintextPeers: new BoundedKeys(REMEMBERED_PEERS), warn: warnOnce };
    this.#dht = options.dht === undefined ? undefined : new SessionDht(options.dht, (warning) => this.emit('warning', warning));
    this.#lsd = options.lsd === undefined ? undefined : new SessionLsd(options.lsd, { clock, warn: (warning) => this.emit('warning', warning) });
    const utp = options.utp === true ? {} : options.utp === false ? undefined : options.utp;
    const accept = { accept: (stream: PeerSocket): void => this.#listener.accept(stream) };
    this.#udp = this.#dht === undefined && utp === undefined ? undefined : new SessionUdp(utp === undefined ? {} : { utp: { ...accept, ...(utp.connection === undefined ? {} : { connection: utp.connection }) } });
    const tcpFactory = options.socketFactory ?? tcpSocketFactory;
    const dialer =
      utp === undefined
        ? tcpFactory
        : utpFirstFactory({ clock, utp: (family) => this.#udp?.utp(family), tcp: utp.tcp === false ? undefined : tcpFactory, headStartMs: utp.headStartMs ?? UTP_HEAD_START_MS, tcpPeers: new BoundedKeys(REMEMBERED_PEERS) });
    const ticks = new TickGroup(clock, tuning.tickMs);
    this.#services = {
      clock,
      peerId: this.peerId,
      reserved: encodeReserved({ fast: true, extended: true, dht: this.#dht !== undefined }),
      dht: this.#dht,
      pex: options.pex !== false,
      lsd: this.#lsd,
      socketFactory: withEncryption(dialer, encryption),
      encryption,
      bans: new BanList(clock, tuning.banMs),
      budget,
      downloadLimiter: this.#downloadLimiter,
      uploadLimiter: this.#uploadLimiter,
      tuning,
      listenPort: () => this.#listener.port,
      hasher: options.hasher ?? this.#hasher,
      openFiles: new OpenFilePool({ capacity: options.maxOpenFiles ?? MAX_OPEN_FILES }),
      checkSlots: new CheckQueue(options.maxChecking),
      dhtTurns: this.#dht === undefined ? undefined : new CheckQueue(DHT_LOOKUPS_AT_ONCE),
      dataCloses: new CheckQueue(DATA_CLOSES_AT_ONCE),
      activeSlots: this.#queue,
      announcePacing: this.#pacer,
      // One interval for every active torrent, not one each (issue 17: idle seeds cost CPU).
      ticks,
      uploadMemory: new UploadMemory(options.uploadBuffer, { clock, ticks }),
      uploadSlots: new UploadSlots({ limit: options.maxUploadSlots ?? DEFAULT_SESSION_UPLOAD_SLOTS, perTorrent: tuning.uploadSlots + 1, intervalMs: tuning.rechokeIntervalMs, ticks }),
      trackers: { http: options.trackers?.http ?? new HttpTrackerClient(trackerCrypto(this.encryption)), ...(udp === undefined ? {} : { udp }) },
    };
    this.#listener = new Listener({
      clock,
      budget,
      handshakeTimeoutMs: tuning.handshakeTimeoutMs,
      route: (handshaken, key) => this.#route(handshaken, key),
      findInfoHash: this.#infoHashes.find,
      encryption: this.encryption,
      mseLimiter: new MseRateLimiter({ burst: tuning.mseBurst, perSecond: tuning.msePerSecond }),
      warn: warnOnce,
    });
  }

  /** The port peers reach us on; 0 until `listen()` resolves. */
  get port(): number {
    return this.#listener.port;
  }

  /** Upload data held in memory now, all torrents together (see `uploadBuffer`). */
  get uploadBuffered(): number {
    return this.#services.uploadMemory?.used ?? 0;
  }

  /** Opens the listen port (once; later calls return the same port), uTP and the DHT node on it, and LSD. */
  async listen(): Promise<number> {
    this.#checkOpen();
    if (this.#listening === undefined) this.#warnFileLimit();
    this.#listening ??= this.#listener.listen(this.#options.port ?? DEFAULT_PORT, this.#options.host ?? '0.0.0.0').then(async (port) => {
      await this.#startUdp(port, this.#options.host ?? '0.0.0.0');
      await this.#lsd?.start(port);
      return port;
    });
    return await this.#listening;
  }

  /** Nodes in the DHT routing table (0 without a DHT). */
  get dhtNodes(): number {
    return this.#dht?.nodeCount ?? 0;
  }

  get torrents(): Torrent[] {
    return [...this.#torrents.values()];
  }

  /** The torrent with this info-hash (20 bytes or 40 hex digits). */
  get(infoHash: string | Uint8Array): Torrent | undefined {
    const hex = typeof infoHash === 'string' ? infoHash.toLowerCase() : Buffer.from(infoHash.buffer, infoHash.byteOffset, infoHash.byteLength).toString('hex');
    return this.#torrents.get(hex);
  }

  /**
   * Adds a torrent and starts it (unless `start: false`): from .torrent bytes, a parsed Metainfo, a
   * magnet URI or a parsed MagnetLink (its metadata then comes from peers, BEP 9). Resolves once it
   * is registered and, when started, in state `checking` (`fetching-metadata` for a magnet); the rest
   * goes on in the background (watch `state` events, or `await torrent.whenDone()`). Listens first
   * if `listen()` was not called.
   */
  async add(source: Uint8Array | Metainfo | MagnetLink | string, options: AddTorrentOptions): Promise<Torrent> {
    this.#checkOpen();
    const metainfo = source instanceof Uint8Array ? parse(source) : typeof source === 'string' ? magnet(source) : source;
    if (this.#torrents.has(metainfo.infoHashHex)) {
      throw new EngineError('DUPLICATE_TORRENT', `${metainfo.infoHashHex} is already in the session`, { infoHash: metainfo.infoHashHex });
    }
    await this.listen();
    this.#checkOpen();
    const storage = options.storage ?? this.#options.storage;
    const torrent = new Torrent(metainfo, storage === undefined ? options : { ...options, storage }, this.#services);
    this.#torrents.set(metainfo.infoHashHex, torrent);
    this.#queue.join(torrent);
    this.#infoHashes.add(metainfo.infoHash);
    this.emit('added', torrent);
    // start() reports through the torrent's state; it rejects only once the torrent is removed.
    if (options.start !== false) torrent.start().catch(() => undefined);
    return torrent;
  }

  /** Stops a torrent (announce `stopped`, resume data saved) and forgets it. */
  async remove(torrent: Torrent | string): Promise<void> {
    const found = typeof torrent === 'string' ? this.get(torrent) : torrent;
    if (found === undefined || this.#torrents.get(found.infoHashHex) !== found) return;
    this.#torrents.delete(found.infoHashHex);
    this.#infoHashes.delete(found.infoHash);
    await found.remove();
    this.#queue.leave(found);
    this.emit('removed', found);
  }

  /**
   * A connection accepted outside the session's own ports (a simulated network's in-memory stream):
   * it takes the path of one accepted on the listen port.
   */
  acceptIncoming(socket: PeerSocket): void {
    this.#listener.accept(socket);
  }

  /** Session-wide limits in bytes per second (0 or undefined: unlimited). */
  setRateLimits(limits: TorrentRateLimits): void {
    this.#downloadLimiter.setRate(limits.download);
    this.#uploadLimiter.setRate(limits.upload);
  }

  /** Active limits at run time (raised: queued torrents start; lowered: the latest in the queue wait); returns those in force. */
  setActiveLimits(limits: Partial<ActiveLimits> = {}): ActiveLimits {
    this.#queue.setLimits(limits);
    return this.#queue.limits;
  }

  /** Moves a torrent to a place in the queue (0 first); a queued one moved up starts when the next slot frees. */
  moveQueue(torrent: Torrent, position: number): void {
    this.#queue.move(torrent, position);
  }

  /**
   * Stops every torrent (in parallel, each within its stop timeout; their data closes 16 at a time,
   * see DATA_CLOSES_AT_ONCE) and closes the port.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener.close();
    const torrents = [...this.#torrents.values()];
    this.#torrents.clear();
    for (const torrent of torrents) this.#infoHashes.delete(torrent.infoHash);
    await Promise.all(torrents.map(async (torrent) => await torrent.remove()));
    this.#services.uploadMemory?.trim(); // idle read buffers: the session tick that sweeps them is over
    this.#pacer.close();
    await this.#dht?.close();
    await this.#udp?.close();
    await this.#lsd?.close();
    await this.#ownUdp?.close();
    await this.#hasher?.close();
  }

  #warnFileLimit(): void {
    const warning = fileLimitWarning(openFileLimit(), this.#services.openFiles?.capacity ?? 0, this.#options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    if (warning !== undefined) this.emit('warning', warning);
  }

  /** Binds the UDP socket on the TCP port's number; without it uTP and the DHT are off (a warning). */
  async #startUdp(port: number, host: string): Promise<void> {
    const udp = this.#udp;
    if (udp === undefined) return;
    let otherFamily: EngineError[];
    try {
      otherFamily = await udp.bind(port, host);
    } catch (error) {
      const off = [this.#options.utp !== undefined && this.#options.utp !== false ? 'uTP' : undefined, this.#dht === undefined ? undefined : 'the DHT'].filter((x) => x !== undefined).join(' and ');
      this.emit('warning', new EngineError('LISTEN_FAILED', `${describeError(error)}; ${off} off, TCP only`, { cause: error }));
      return;
    }
    for (const warning of otherFamily) this.emit('warning', warning); // IPv6 (or IPv4) peers over TCP only
    await this.#dht?.start(udp);
  }

  #route(handshaken: Handshaken, key: string): void {
    const hex = Buffer.from(handshaken.handshake.infoHash).toString('hex');
    const torrent = this.#torrents.get(hex);
    if (torrent === undefined || this.#closed) {
      handshaken.socket.destroy();
      this.#services.budget.release();
      return;
    }
    torrent.acceptIncoming(handshaken, key);
  }

  #checkOpen(): void {
    if (this.#closed) throw new EngineError('CLOSED', 'the session is closed');
  }
}

/** What HTTP announces say about encryption: trackers may then hand encrypting peers out first. */
function trackerCrypto(policy: EncryptionPolicy): { crypto?: 'supported' | 'required' } {
  return policy === 'disable' ? {} : { crypto: policy === 'require' ? 'required' : 'supported' };
}

function magnet(uri: string): MagnetLink {
  try {
    return parseMagnet(uri);
  } catch (error) {
    if (error instanceof MetainfoError) throw new EngineError('BAD_TORRENT', `not a usable magnet link: ${error.message}`, { cause: error });
    throw error;
  }
}

function parse(bytes: Uint8Array): Metainfo {
  try {
    return parseTorrent(bytes);
  } catch (error) {
    if (error instanceof MetainfoError) throw new EngineError('BAD_TORRENT', `not a usable .torrent: ${error.message}`, { cause: error });
    throw error;
  }
}
