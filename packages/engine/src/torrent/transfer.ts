// The running phase of a torrent (downloading or seeding): the picker and piece store, and the parts
// that exchange pieces with the PeerHost's peers, each through its own small host interface: this class
// is that host for all of them. The Torrent makes one per start and runs the lifecycle (STATE.md). The
// parts are made when the first peer joins: most seeds of thousands never get one (issue 17).
import { BLOCK_SIZE, type Metainfo, type PieceGeometry } from '@typetorrent/metainfo';
import type { WireMessage } from '@typetorrent/peer-wire';
import { StorageError, type PieceStore } from '@typetorrent/storage';
import type { Clock } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import type { PiecePicker } from '../picker/piece-picker.js';
import type { LimiterChain, RateLimiter } from '../rate/rate-limiter.js';
import type { PeerRequestsOptions } from '../requests/peer-requests.js';
import type { AvailabilityCounts, AvailabilityHost } from './availability.js';
import type { ChokingHost } from './choking.js';
import type { Downloader, DownloaderHost } from './downloader.js';
import type { PeerWork } from './peer-host.js';
import type { Peer } from './peer.js';
import type { SessionServices } from './services.js';
import type { UploadMemory } from './upload-memory.js';
import type { UploadSlots } from './upload-slots.js';
import { makePeerParts, NO_TRAFFIC, type PeerParts, type PeerPartsOptions, type RateView } from './transfer-parts.js';
import type { IncomingRequest, Uploader, UploaderHost } from './uploader.js';
import type { EarlyAnnouncement } from './peer-pieces.js';
import { routeMessage, type WireHandlers } from './wire-router.js';

export interface TransferHooks {
  warn(warning: EngineError): void;
  piece(index: number): void;
  /** Every wanted piece is verified. */
  finished(): void;
  /** The storage failed (or an internal error): the torrent cannot go on. */
  failed(error: EngineError): void;
}

/** What the transfer may do with the torrent's connections (the PeerHost). */
export interface TransferPeers {
  peers(): Iterable<Peer>;
  peer(key: string): Peer | undefined;
  drop(peer: Peer, reason: EngineError): void;
  /** Stop dialling this address (a seed, once we are one too). */
  forget(key: string): void;
  /** Ban these keys though the peer is gone already. */
  ban(keys: readonly string[], reason: string): void;
}

export interface TransferOptions {
  readonly metainfo: Metainfo;
  readonly picker: PiecePicker;
  readonly store: PieceStore;
  readonly services: SessionServices;
  readonly peers: TransferPeers;
  readonly hooks: TransferHooks;
  readonly downloadLimiter: RateLimiter;
  readonly uploadLimiter: RateLimiter;
}

export class Transfer implements PeerWork, WireHandlers, DownloaderHost, UploaderHost, ChokingHost, AvailabilityHost {
  readonly geometry: PieceGeometry;
  readonly picker: PiecePicker;
  readonly counts: AvailabilityCounts;
  readonly pieceCount: number;
  readonly store: PieceStore;
  readonly clock: Clock;
  readonly requestOptions: Omit<PeerRequestsOptions, 'now'>;
  readonly slots: number;
  readonly rechokeIntervalMs: number;
  readonly sessionSlots: UploadSlots | undefined;
  readonly memory: UploadMemory | undefined;
  /** Payload bytes since this transfer started. */
  downloaded = 0;
  uploaded = 0;
  readonly infoHash: Uint8Array;
  readonly #peers: TransferPeers;
  readonly #hooks: TransferHooks;
  readonly #partsOptions: PeerPartsOptions;
  /** Made by the first peer to join (or the first call that needs a part); see `#parts`. */
  #made: PeerParts | undefined;
  /** Peers may transfer; false while paused. */
  #active = false;
  #closed = false;

  constructor(options: TransferOptions) {
    const { services } = options;
    this.infoHash = options.metainfo.infoHash;
    this.geometry = options.metainfo.geometry;
    this.picker = options.picker;
    this.counts = options.picker;
    this.pieceCount = this.geometry.pieceCount;
    this.store = options.store;
    this.clock = services.clock;
    this.#peers = options.peers;
    this.#hooks = options.hooks;
    this.#partsOptions = { services, downloadLimiter: options.downloadLimiter, uploadLimiter: options.uploadLimiter };
    const { tuning } = services;
    this.requestOptions = { min: tuning.minRequestQueue, max: tuning.maxRequestQueue, requestTimeoutMs: tuning.requestTimeoutMs, snubTimeoutMs: tuning.snubTimeoutMs };
    this.slots = tuning.uploadSlots;
    this.rechokeIntervalMs = tuning.rechokeIntervalMs;
    this.sessionSlots = services.uploadSlots;
    this.memory = services.uploadMemory;
  }

  get #parts(): PeerParts {
    this.#made ??= makePeerParts(this, this.#partsOptions);
    return this.#made;
  }

  /** Payload rates (NO_TRAFFIC until a peer joined). */
  get downloadMeter(): RateView {
    return this.#made?.downloadMeter ?? NO_TRAFFIC;
  }

  get uploadMeter(): RateView {
    return this.#made?.uploadMeter ?? NO_TRAFFIC;
  }

  get limiter(): LimiterChain {
    return this.#parts.limiter;
  }

  get downloader(): Downloader {
    return this.#parts.downloader;
  }

  get uploader(): Uploader {
    return this.#parts.uploader;
  }

  /** Connected and transferring (not paused, not closed). */
  get active(): boolean {
    return this.#active && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Requests may go out: active and some wanted piece is missing. */
  get downloading(): boolean {
    return this.active && !this.picker.isFinished;
  }

  get uploading(): boolean {
    return this.active;
  }

  get seeding(): boolean {
    return this.picker.isFinished;
  }

  activate(): void {
    this.#active = true;
  }

  /** Pause: the host drops the peers; the data stays open. */
  deactivate(): void {
    this.#active = false;
  }

  close(): void {
    if (this.#closed) return;
    this.#active = false;
    this.#closed = true;
    this.#made?.uploader.close();
    this.#made?.readThrottle.close();
    this.#made?.choking.close();
  }

  peers(): Iterable<Peer> {
    return this.#peers.peers();
  }

  peer(key: string): Peer | undefined {
    return this.#peers.peer(key);
  }

  /** What we have, as the first message of a new connection (BEP 6 wants it first). */
  greet(peer: Peer): void {
    const conn = peer.conn;
    const have = this.picker.haveCount;
    if (conn.fast && have === this.geometry.pieceCount) conn.send({ type: 'have-all' });
    else if (conn.fast && have === 0) conn.send({ type: 'have-none' });
    else if (have > 0) conn.send({ type: 'bitfield', bytes: this.picker.haveBitfield() });
  }

  join(peer: Peer, early: boolean): void {
    const parts = this.#parts;
    parts.downloader.join(peer);
    parts.uploader.join(peer);
    // Greeted before we knew our pieces: it heard HAVE NONE (or nothing), so each piece is a HAVE.
    if (early && this.picker.haveCount > 0) {
      peer.conn.corked(() => {
        for (let piece = 0; piece < this.geometry.pieceCount; piece++) if (this.picker.has(piece)) peer.conn.sendHave(piece);
      });
    }
    if (peer.conn.fast && this.picker.haveCount > 0) parts.uploader.grantAllowedFast(peer);
    parts.availability.join(peer);
    if (!peer.conn.closed && peer.peerInterested) parts.choking.onInterested(peer);
  }

  leave(peer: Peer, _reason: EngineError): void {
    const parts = this.#parts;
    parts.readThrottle.remove(peer);
    parts.downloader.leave(peer);
    parts.uploader.leave(peer);
    parts.availability.leave(peer);
    if (this.active) {
      if (!peer.amChoking && peer.peerInterested) parts.choking.rechoke(this.clock.now());
      parts.downloader.fillAll();
    }
  }

  onMessage(peer: Peer, message: WireMessage): void {
    routeMessage(this, peer, message);
  }

  introduced(peer: Peer, reqq: number | undefined): void {
    this.downloader.setPeerLimit(peer, reqq);
  }

  onChunk(peer: Peer, bytes: number): void {
    this.#parts.readThrottle.charge(peer, bytes);
    this.downloader.fill(peer);
  }

  onDrain(peer: Peer): void {
    this.uploader.serve(peer);
  }

  snubbed(peer: Peer): boolean {
    return this.#made?.downloader.snubbed(peer) ?? false;
  }

  /** Request timeouts and refills, rechoke rounds (nothing to do before a peer joined). */
  tick(now: number): void {
    const parts = this.#made;
    if (!this.active || parts === undefined) return;
    parts.downloader.tick();
    parts.choking.tick(now);
  }

  /** The peer announced pieces: are we interested now? A seed is let go once we are one too. */
  announced(peer: Peer, piece: number | undefined): void {
    if (peer.isSeed && this.picker.isFinished) {
      this.#dropSeed(peer);
      return;
    }
    if (piece !== undefined) {
      if (!peer.amInterested && this.downloading && this.picker.wants(piece)) this.setInterested(peer, true);
      this.downloader.fill(peer);
      return;
    }
    this.updateInterest(peer);
  }

  /** Interested exactly when the peer has a piece we still want (checked again when picks run dry). */
  updateInterest(peer: Peer): void {
    const interesting = this.downloading && this.picker.isInteresting(this.downloader.pickView(peer));
    if (interesting !== peer.amInterested) this.setInterested(peer, interesting);
    if (interesting) this.downloader.fill(peer);
  }

  setInterested(peer: Peer, interested: boolean): void {
    peer.setAmInterested(interested);
  }

  setChoking(peer: Peer, choking: boolean): void {
    if (peer.setAmChoking(choking) && choking) this.uploader.onChoke(peer);
  }

  countDownload(peer: Peer, bytes: number): void {
    peer.downloadMeter.add(bytes);
    this.#parts.downloadMeter.add(bytes);
    this.downloaded += bytes;
  }

  countUpload(peer: Peer, bytes: number): void {
    peer.uploadMeter.add(bytes);
    this.#parts.uploadMeter.add(bytes);
    this.uploaded += bytes;
  }

  observeBlock(piece: number, block: number, peer: string, data: Uint8Array): void {
    this.#parts.hashFailures.observe(piece, block, peer, data);
  }

  /** The store verified and wrote a piece. */
  pieceVerified(piece: number): void {
    for (const { block, peer } of this.picker.markHave(piece)) this.downloader.cancel(peer, piece, block * BLOCK_SIZE);
    const guilty = this.#made?.hashFailures.verified(piece) ?? [];
    for (const peer of this.peers()) {
      if (!peer.has(piece)) peer.conn.sendHave(piece);
    }
    this.#convict(guilty, piece);
    this.#hooks.piece(piece);
    if (this.picker.isFinished) {
      for (const peer of this.peers()) this.setInterested(peer, false);
      this.#hooks.finished();
    }
  }

  /** The store found a piece's data wrong: download it again, and punish who sent it if we can tell. */
  pieceFailed(piece: number, senders: readonly string[]): void {
    for (const { block, peer } of this.picker.pieceFailed(piece)) this.downloader.cancel(peer, piece, block * BLOCK_SIZE);
    const guilty = this.#parts.hashFailures.failed(piece, senders);
    this.warn(new EngineError('CORRUPT_DATA', `piece ${piece} failed its hash check (from ${[...new Set(senders)].join(', ')})`));
    this.#convict(guilty, piece);
    this.downloader.fillAll();
  }

  drop(peer: Peer, reason: EngineError): void {
    this.#peers.drop(peer, reason);
  }

  /** addBlock failed: a write error stops the torrent; anything else is a bug worth a warning. */
  storageFailed(error: unknown): void {
    if (this.#closed) return;
    if (error instanceof StorageError && (error.code === 'ABORTED' || error.code === 'CLOSED')) return;
    this.#hooks.failed(new EngineError('STORAGE', `storage failed: ${describeError(error)}`, { cause: error }));
  }

  /**
   * An exception escaped the engine's own code (a callback of a storage promise or a timer): a bug.
   * The torrent goes to `error` with it, instead of an unhandled rejection ending the process.
   */
  internalError(error: unknown): void {
    if (this.#closed) return;
    this.#hooks.failed(new EngineError('INTERNAL', `internal error: ${describeError(error)}`, { cause: error }));
  }

  warn(warning: EngineError): void {
    this.#hooks.warn(warning);
  }

  /** Every seed we are connected to, dropped once we are one too (STATE.md: seeding drops seeds). */
  dropSeeds(): void {
    for (const peer of [...this.peers()]) if (peer.isSeed) this.#dropSeed(peer);
  }

  onAnnouncement(peer: Peer, said: EarlyAnnouncement): void {
    this.#parts.availability.onAnnouncement(peer, said);
  }

  onChoke(peer: Peer): void {
    this.downloader.onChoke(peer);
  }

  onUnchoke(peer: Peer): void {
    this.downloader.fill(peer);
  }

  onInterested(peer: Peer): void {
    this.#parts.choking.onInterested(peer);
  }

  onNotInterested(peer: Peer): void {
    // Its upload slot would idle until the next round: hand it on now (STATE.md).
    if (!peer.amChoking) this.#parts.choking.rechoke(this.clock.now());
  }

  onRequest(peer: Peer, request: IncomingRequest): void {
    this.uploader.onRequest(peer, request);
  }

  onCancel(peer: Peer, request: IncomingRequest): void {
    this.uploader.onCancel(peer, request.piece, request.begin, request.length);
  }

  onBlock(peer: Peer, piece: number, begin: number, block: Uint8Array): void {
    this.downloader.onBlock(peer, piece, begin, block);
  }

  onReject(peer: Peer, piece: number, begin: number): void {
    this.downloader.onReject(peer, piece, begin);
  }

  /** BEP 6: the peer lets us request this piece while it chokes us. */
  onAllowedFast(peer: Peer, piece: number): void {
    if (piece >= this.geometry.pieceCount) return;
    this.downloader.onAllowedFast(peer, piece);
    if (peer.peerChoking && peer.has(piece) && this.picker.wants(piece)) {
      if (!peer.amInterested) this.setInterested(peer, true);
      this.downloader.fill(peer);
    }
  }

  #dropSeed(peer: Peer): void {
    this.#peers.forget(peer.key);
    this.drop(peer, new EngineError('CLOSED', 'both ends are seeds', { peer: peer.key }));
  }

  #convict(keys: readonly string[], piece: number): void {
    for (const key of keys) {
      const peer = this.peer(key);
      const reason = new EngineError('CORRUPT_DATA', `sent corrupt data for piece ${piece}`, { peer: key });
      if (peer !== undefined) this.drop(peer, reason);
      else this.#peers.ban([key], reason.message);
    }
  }
}
