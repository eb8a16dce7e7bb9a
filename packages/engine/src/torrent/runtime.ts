// A torrent while its data is open: the picker, the piece store, the connected peers and the parts
// that drive them (downloader, uploader, choking, swarm). The Torrent owns one Runtime per start and
// decides the lifecycle (STATE.md); the Runtime does the work and reports through its hooks.
import { BLOCK_SIZE, type Metainfo, type PieceGeometry } from '@typetorrent/metainfo';
import { allowedFastSet } from '@typetorrent/peer-wire';
import { StorageError, type PieceStore } from '@typetorrent/storage';
import { EngineError, describeError } from '../errors.js';
import { endpointKey, peerIdKey } from '../peer/ban-list.js';
import type { Handshaken } from '../peer/handshake-io.js';
import { admit, type AdmissionHost } from '../peer/admission.js';
import type { PeerConnection, PeerDirection } from '../peer/peer-connection.js';
import type { PiecePicker } from '../picker/piece-picker.js';
import { LimiterChain, type RateLimiter } from '../rate/rate-limiter.js';
import { RateMeter } from '../rate/rate-meter.js';
import { forgetPeer } from './availability.js';
import { Choking } from './choking.js';
import { Downloader } from './downloader.js';
import { ourExtendedHandshake } from './extensions.js';
import { HashFailures } from './hash-failures.js';
import { Peer } from './peer.js';
import { ReadThrottle } from './read-throttle.js';
import type { SessionServices } from './services.js';
import { Swarm, type SwarmHost } from './swarm.js';
import type { PeerEvent, PeerInfo } from './types.js';
import { Uploader } from './uploader.js';
import { handleMessage } from './wire-handler.js';

/** BEP 6 suggests 10 allowed-fast pieces per peer (libtorrent's allowed_fast_set_size). */
const ALLOWED_FAST_PIECES = 10;

export interface RuntimeHooks {
  warn(warning: EngineError): void;
  peer(event: PeerEvent): void;
  piece(index: number): void;
  /** Every wanted piece is verified. */
  finished(): void;
  /** The storage failed: the torrent cannot go on. */
  failed(error: EngineError): void;
}

export interface RuntimeOptions {
  readonly metainfo: Metainfo;
  readonly picker: PiecePicker;
  readonly store: PieceStore;
  readonly services: SessionServices;
  readonly hooks: RuntimeHooks;
  readonly maxPeers: number;
  readonly downloadLimiter: RateLimiter;
  readonly uploadLimiter: RateLimiter;
}

export class Runtime implements SwarmHost, AdmissionHost {
  readonly metainfo: Metainfo;
  readonly geometry: PieceGeometry;
  readonly picker: PiecePicker;
  readonly store: PieceStore;
  readonly services: SessionServices;
  readonly peers = new Map<string, Peer>();
  readonly downloader: Downloader;
  readonly uploader: Uploader;
  readonly choking: Choking;
  readonly swarm: Swarm;
  readonly hashFailures = new HashFailures();
  /** Torrent limiter then the session's: both must allow a transfer. */
  readonly uploadLimiter: LimiterChain;
  readonly downloadMeter: RateMeter;
  readonly uploadMeter: RateMeter;
  maxPeers: number;
  /** Payload bytes since this runtime started. */
  downloaded = 0;
  uploaded = 0;
  readonly #hooks: RuntimeHooks;
  readonly #readThrottle: ReadThrottle;
  readonly #blocksPerPiece: number;
  /** Peers may connect and transfer; false while paused. */
  #active = false;
  #closed = false;

  constructor(options: RuntimeOptions) {
    this.metainfo = options.metainfo;
    this.geometry = options.metainfo.geometry;
    this.picker = options.picker;
    this.store = options.store;
    this.services = options.services;
    this.maxPeers = options.maxPeers;
    this.#hooks = options.hooks;
    this.#blocksPerPiece = Math.ceil(this.geometry.pieceLength / BLOCK_SIZE);
    const now = (): number => options.services.clock.now();
    this.downloadMeter = new RateMeter({ now });
    this.uploadMeter = new RateMeter({ now });
    this.uploadLimiter = new LimiterChain([options.uploadLimiter, options.services.uploadLimiter]);
    this.#readThrottle = new ReadThrottle(new LimiterChain([options.downloadLimiter, options.services.downloadLimiter]), options.services.clock);
    this.downloader = new Downloader(this);
    this.uploader = new Uploader(this);
    this.choking = new Choking(this);
    this.swarm = new Swarm(this);
  }

  get infoHash(): Uint8Array {
    return this.metainfo.infoHash;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  hasPeer(key: string): boolean {
    return this.peers.has(key);
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

  /** A number naming a block, for per-peer bookkeeping (fits 2^53 for any torrent we accept). */
  blockId(piece: number, begin: number): number {
    return piece * this.#blocksPerPiece + Math.floor(begin / BLOCK_SIZE);
  }

  /** Starts (or restarts after a pause) connecting and transferring. */
  activate(): void {
    this.#active = true;
    this.swarm.connectMore();
  }

  /** Pause: every connection is closed and no new one made; the data stays open. */
  deactivate(reason: string): void {
    this.#active = false;
    this.swarm.close();
    this.#dropAll(reason);
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.deactivate(reason);
    this.#closed = true;
    this.uploader.close();
    this.#readThrottle.close();
  }

  /** Periodic work: keep-alives and inactivity, request timeouts, rechoke, dialling. */
  tick(now: number): void {
    if (!this.active) return;
    for (const peer of this.peers.values()) peer.conn.tick(now);
    this.downloader.tick();
    this.choking.tick(now);
    this.swarm.connectMore();
  }

  /**
   * A handshake completed (either direction). Checks it against bans, ourselves, duplicates and
   * limits, answers an incoming one, and starts the peer. The caller has taken a budget slot for
   * it; it is released when the connection ends (or here, when it is refused).
   */
  attach(handshaken: Handshaken, key: string, direction: PeerDirection): void {
    const conn = admit(this, handshaken, key, direction, this.geometry.pieceCount);
    if (conn === undefined) return;
    const { tuning } = this.services;
    const peer = new Peer(conn, this.geometry.pieceCount, this.services.clock, {
      min: tuning.minRequestQueue,
      max: tuning.maxRequestQueue,
      requestTimeoutMs: tuning.requestTimeoutMs,
      snubTimeoutMs: tuning.snubTimeoutMs,
    });
    this.peers.set(key, peer);
    conn.on('message', (message) => {
      try {
        handleMessage(this, peer, message);
      } catch (error) {
        conn.close(error instanceof EngineError ? error : new EngineError('PROTOCOL', describeError(error), { peer: key, cause: error }));
      }
    });
    conn.on('chunk', (bytes) => {
      this.#readThrottle.charge(peer, bytes);
      this.downloader.fill(peer);
    });
    conn.on('drain', () => this.uploader.serve(peer));
    conn.on('close', (reason) => this.#detach(peer, reason));
    this.#sendGreeting(peer);
    this.#hooks.peer({ type: 'connect', peer: peerInfo(peer) });
    conn.start();
  }

  /** Drops a peer; PROTOCOL and CORRUPT_DATA reasons ban it (see #detach). */
  drop(peer: Peer, reason: EngineError): void {
    peer.conn.close(reason);
  }

  countDownload(peer: Peer, bytes: number): void {
    peer.downloadMeter.add(bytes);
    this.downloadMeter.add(bytes);
    this.downloaded += bytes;
  }

  countUpload(peer: Peer, bytes: number): void {
    peer.uploadMeter.add(bytes);
    this.uploadMeter.add(bytes);
    this.uploaded += bytes;
  }

  setInterested(peer: Peer, interested: boolean): void {
    if (peer.amInterested === interested) return;
    peer.amInterested = interested;
    peer.conn.send({ type: interested ? 'interested' : 'not-interested' });
  }

  setChoking(peer: Peer, choking: boolean): void {
    if (peer.amChoking === choking) return;
    peer.amChoking = choking;
    peer.conn.send({ type: choking ? 'choke' : 'unchoke' });
    if (choking) this.uploader.onChoke(peer);
  }

  /** The store verified and wrote a piece. */
  pieceVerified(piece: number): void {
    for (const { block, peer } of this.picker.markHave(piece)) this.downloader.cancel(peer, piece, block * BLOCK_SIZE);
    const guilty = this.hashFailures.verified(piece);
    for (const peer of this.peers.values()) {
      if (!peer.has(piece)) peer.conn.sendHave(piece);
    }
    this.#convict(guilty, piece);
    this.#hooks.piece(piece);
    if (this.picker.isFinished) {
      for (const peer of this.peers.values()) this.setInterested(peer, false);
      this.#hooks.finished();
    }
  }

  /** The store found a piece's data wrong: download it again, and punish who sent it if we can tell. */
  pieceFailed(piece: number, senders: readonly string[]): void {
    for (const { block, peer } of this.picker.pieceFailed(piece)) this.downloader.cancel(peer, piece, block * BLOCK_SIZE);
    const guilty = this.hashFailures.failed(piece, senders);
    this.warn(new EngineError('CORRUPT_DATA', `piece ${piece} failed its hash check (from ${[...new Set(senders)].join(', ')})`));
    this.#convict(guilty, piece);
    this.downloader.fillAll();
  }

  /** addBlock failed: a write error stops the torrent; anything else is a bug worth a warning. */
  storageFailed(error: unknown): void {
    if (this.#closed) return;
    if (error instanceof StorageError && (error.code === 'ABORTED' || error.code === 'CLOSED')) return;
    const failure = new EngineError('STORAGE', `storage failed: ${describeError(error)}`, { infoHash: this.metainfo.infoHashHex, cause: error });
    this.#hooks.failed(failure);
  }

  /**
   * An exception escaped the engine's own code (a callback of a storage promise or a timer): a bug.
   * The torrent goes to `error` with it, instead of an unhandled rejection ending the process.
   */
  internalError(error: unknown): void {
    if (this.#closed) return;
    this.#hooks.failed(new EngineError('INTERNAL', `internal error: ${describeError(error)}`, { infoHash: this.metainfo.infoHashHex, cause: error }));
  }

  warn(warning: EngineError): void {
    this.#hooks.warn(warning);
  }

  #convict(keys: readonly string[], piece: number): void {
    for (const key of keys) {
      const peer = this.peers.get(key);
      const reason = new EngineError('CORRUPT_DATA', `sent corrupt data for piece ${piece}`, { peer: key });
      if (peer !== undefined) this.drop(peer, reason);
      else this.services.bans.ban([key], reason.message);
    }
  }

  connections(): Iterable<PeerConnection> {
    return [...this.peers.values()].map((peer) => peer.conn);
  }

  markSelf(key: string): void {
    this.swarm.markSelf(key);
  }

  /** What we have, then our extension handshake (BEP 6 wants the piece message first). */
  #sendGreeting(peer: Peer): void {
    const conn = peer.conn;
    const have = this.picker.haveCount;
    if (conn.fast && have === this.geometry.pieceCount) conn.send({ type: 'have-all' });
    else if (conn.fast && have === 0) conn.send({ type: 'have-none' });
    else if (have > 0) conn.send({ type: 'bitfield', bytes: this.picker.haveBitfield() });
    if (conn.extended) conn.send({ type: 'extended', id: 0, payload: ourExtendedHandshake(this) });
    if (conn.fast && have > 0) this.#grantAllowedFast(peer);
  }

  /**
   * BEP 6: a few pieces the peer may request while we choke it, so a newcomer gets something to
   * trade before its first unchoke. The canonical set for its address; we grant those we have.
   */
  #grantAllowedFast(peer: Peer): void {
    const address = peer.conn.remoteAddress;
    if (address === undefined) return;
    let set: number[];
    try {
      set = allowedFastSet(address, this.metainfo.infoHash, this.geometry.pieceCount, ALLOWED_FAST_PIECES);
    } catch {
      return; // BEP 6 defines the set for IPv4 only
    }
    for (const piece of set) {
      if (!this.picker.has(piece)) continue;
      peer.grantedFast.add(piece);
      peer.conn.send({ type: 'allowed-fast', index: piece });
    }
  }

  #detach(peer: Peer, reason: EngineError): void {
    if (this.peers.get(peer.key) !== peer) return;
    this.peers.delete(peer.key);
    this.services.budget.release();
    this.#readThrottle.remove(peer);
    this.downloader.onPeerGone(peer);
    forgetPeer(this, peer);
    if (reason.code === 'PROTOCOL' || reason.code === 'CORRUPT_DATA') {
      const keys = [peer.key, peerIdKey(peer.conn.peerId)];
      const host = peer.conn.remoteAddress;
      if (host !== undefined && peer.listenPort !== undefined) keys.push(endpointKey(host, peer.listenPort));
      this.services.bans.ban(keys, reason.message);
      this.warn(new EngineError(reason.code, `banned ${peer.key}: ${reason.message}`, { peer: peer.key, cause: reason }));
    }
    this.swarm.onDisconnected(peer.key, reason);
    this.#hooks.peer({ type: 'disconnect', peer: peerInfo(peer), reason });
    if (this.active) {
      if (!peer.amChoking && peer.peerInterested) this.choking.rechoke(this.services.clock.now());
      this.downloader.fillAll();
      this.swarm.connectMore();
    }
  }

  #dropAll(reason: string): void {
    for (const peer of [...this.peers.values()]) this.drop(peer, new EngineError('CLOSED', reason, { peer: peer.key }));
  }
}

export function peerInfo(peer: Peer): PeerInfo {
  const pieceCount = peer.pieces.pieceCount;
  return {
    key: peer.key,
    direction: peer.conn.direction,
    client: peer.client,
    peerId: peer.conn.peerId,
    downloaded: peer.downloadMeter.total,
    uploaded: peer.uploadMeter.total,
    downloadRate: peer.downloadMeter.rate(),
    uploadRate: peer.uploadMeter.rate(),
    amChoking: peer.amChoking,
    amInterested: peer.amInterested,
    peerChoking: peer.peerChoking,
    peerInterested: peer.peerInterested,
    progress: peer.hasAll || pieceCount === 0 ? 1 : peer.pieces.count() / pieceCount,
    snubbed: peer.requests.snubbed,
  };
}
