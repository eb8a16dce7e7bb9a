// Requesting blocks and taking them in: the picker chooses, PeerRequests keeps each peer's queue at
// its adaptive depth, PieceStore assembles and verifies. Blocks arrive as subarrays of socket chunks
// and are copied exactly once, into the piece buffer (PieceStore.offerBlock copies synchronously).
import { BLOCK_SIZE, type PieceGeometry } from '@typetorrent/metainfo';
import type { BlockResult, PieceStore } from '@typetorrent/storage';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import type { PiecePicker } from '../picker/piece-picker.js';
import type { BlockRequest, PeerRequestsOptions } from '../requests/peer-requests.js';
import { DownloadState } from './download-state.js';
import type { Peer } from './peer.js';

/**
 * Requests are sent in batches: a peer whose queue is deep gets new requests once a quarter of it
 * has been answered, not after every block, so one write carries many requests. A quarter rather
 * than an eighth: 1 GiB from a libtorrent seeder, interleaved runs, median 4.29 s against 4.45 s.
 */
const REFILL_FRACTION = 4;

/** A peer asks for blocks already asked of others (endgame) once its queue is down to 1/this of its depth. */
const ENDGAME_QUEUE_FRACTION = 8;

/** Rejections (BEP 6) while unchoked after which a peer is dropped. */
const MAX_REJECTS = 256;

export type DownloadPicker = Pick<PiecePicker, 'pickBlocks' | 'abortRequest' | 'blockReceived' | 'has' | 'isInteresting' | 'pieceFailed' | 'pieceState'>;
export type DownloadStore = Pick<PieceStore, 'canAccept' | 'reserve' | 'unreserve' | 'offerBlock' | 'waitForMemory'>;

/** What the downloader may use of its torrent. */
export interface DownloaderHost {
  readonly geometry: PieceGeometry;
  readonly picker: DownloadPicker;
  readonly store: DownloadStore;
  readonly clock: Clock;
  readonly requestOptions: Omit<PeerRequestsOptions, 'now'>;
  /** Requests may go out: running, and some wanted piece is missing. */
  readonly downloading: boolean;
  /** True once the torrent stopped running: late storage callbacks are ignored. */
  readonly closed: boolean;
  peers(): Iterable<Peer>;
  peer(key: string): Peer | undefined;
  setInterested(peer: Peer, interested: boolean): void;
  /** A block's payload arrived from `peer` (counted even when it turns out a duplicate). */
  countDownload(peer: Peer, bytes: number): void;
  /** An accepted block, for finding who sent bad data when its piece fails. */
  observeBlock(piece: number, block: number, peer: string, data: Uint8Array): void;
  pieceVerified(piece: number): void;
  pieceFailed(piece: number, senders: readonly string[]): void;
  drop(peer: Peer, reason: EngineError): void;
  storageFailed(error: unknown): void;
  internalError(error: unknown): void;
}

export class Downloader {
  readonly #host: DownloaderHost;
  readonly #state = new Map<Peer, DownloadState>();
  readonly #blocksPerPiece: number;
  /** The piece buffers are full: no new requests until PieceStore.waitForMemory resolves. */
  #waitingForMemory = false;
  /** Set by `#reserve` when the store refused a piece during the current pick. */
  #memoryShort = false;
  /**
   * The picker asks this before it starts a piece: the piece's memory is reserved then, so a pick
   * takes only pieces the store has room for (picking more and giving them back cost more than the
   * rest of a block's handling when the buffers were full, which at full speed they often are).
   */
  readonly #reserve = (piece: number): boolean => {
    if (this.#host.store.reserve(piece)) return true;
    this.#memoryShort = true;
    return false;
  };

  constructor(host: DownloaderHost) {
    this.#host = host;
    this.#blocksPerPiece = Math.ceil(host.geometry.pieceLength / BLOCK_SIZE);
  }

  join(peer: Peer): void {
    this.#state.set(peer, new DownloadState(this.#host.clock, this.#host.requestOptions));
  }

  /** The peer is gone: its requests go back to the picker. */
  leave(peer: Peer): void {
    const state = this.#state.get(peer);
    this.#state.delete(peer);
    if (state === undefined) return;
    for (const request of state.requests.clear()) this.#abort(request.piece, request.begin / BLOCK_SIZE, peer.key);
  }

  /** The peer's request queue, for the choker and peer listings (undefined for a peer not joined). */
  stateOf(peer: Peer): DownloadState | undefined {
    return this.#state.get(peer);
  }

  /** The peer's `reqq` (BEP 10) caps how many requests we keep outstanding to it. */
  setPeerLimit(peer: Peer, reqq: number | undefined): void {
    this.#state.get(peer)?.requests.setPeerLimit(reqq);
  }

  /** It no longer sends us blocks while we wait on it (60 s). */
  snubbed(peer: Peer): boolean {
    return this.#state.get(peer)?.requests.snubbed ?? false;
  }

  /** The view of `peer` the picker needs (its allowed-fast pieces included). */
  pickView(peer: Peer): ReturnType<Peer['pickView']> {
    return peer.pickView(this.#state.get(peer)?.allowedFast ?? new Set());
  }

  /** Sends as many requests to `peer` as its queue depth allows. */
  fill(peer: Peer): void {
    const host = this.#host;
    const state = this.#state.get(peer);
    if (state === undefined || !host.downloading || peer.conn.closed || !peer.amInterested || this.#waitingForMemory) return;
    if (peer.peerChoking && state.allowedFast.size === 0) return;
    const requests = state.requests;
    const depth = requests.depth(peer.downloadMeter.rate());
    const wanted = depth - requests.size;
    if (wanted <= 0 || (requests.size > 0 && wanted < Math.max(1, Math.floor(depth / REFILL_FRACTION)))) return;
    const view = peer.pickView(state.allowedFast);
    this.#memoryShort = false;
    // Endgame blocks (asked of another peer too) only for a peer whose own queue is nearly drained
    // (an eighth of its depth): from 3 fast seeders the last few hundred blocks each came twice
    // (11 MB of 1 GiB; 1 MB now). libtorrent waits for an empty queue; that made a fast peer take
    // over a slow one's last blocks a round trip later (the simulated endgame test).
    const picks = host.picker.pickBlocks(view, wanted, { canStart: this.#reserve, endgame: requests.size <= depth / ENDGAME_QUEUE_FRACTION });
    // The pick stopped starting pieces where the store had no room: fill again once it has.
    if (this.#memoryShort) this.#waitForMemory();
    if (picks.length === 0) {
      if (requests.size === 0 && !host.picker.isInteresting(view)) host.setInterested(peer, false);
      return;
    }
    const batch: BlockRequest[] = [];
    const now = host.clock.now();
    for (let i = 0; i < picks.length; i++) {
      const pick = picks[i]!;
      const begin = pick.block * BLOCK_SIZE;
      // Memory for the piece is held from its first request, so no block we ask for is dropped: new
      // pieces reserved it as the picker started them (`#reserve`), and a partial piece has it.
      if (!host.store.reserve(pick.piece)) {
        this.#abort(pick.piece, pick.block, peer.key);
        this.#waitForMemory();
        continue;
      }
      const length = host.geometry.blockSize(pick.piece, pick.block);
      // Already outstanding to this peer: the picker now records it too, which is the truth (STATE.md:
      // requested in the picker iff held in PeerRequests), and it is not sent twice.
      const request = requests.record(pick.piece, begin, length, now);
      if (request !== undefined) batch.push(request);
    }
    peer.conn.sendRequests(batch);
  }

  fillAll(): void {
    for (const peer of this.#host.peers()) this.fill(peer);
  }

  /** BEP 6 ALLOWED FAST: the peer lets us request this piece while it chokes us. */
  onAllowedFast(peer: Peer, piece: number): void {
    const state = this.#state.get(peer);
    if (state === undefined || piece >= this.#host.geometry.pieceCount) return;
    state.allowedFast.add(piece);
  }

  /**
   * A PIECE message. Throws PROTOCOL for a block we never asked for (and did not give up on) or one
   * of the wrong size: the caller drops and bans the peer.
   */
  onBlock(peer: Peer, piece: number, begin: number, block: Uint8Array): void {
    const host = this.#host;
    const geometry = host.geometry;
    const state = this.#state.get(peer);
    const request = state?.requests.received(piece, begin);
    if (request === undefined) {
      const valid = piece < geometry.pieceCount && begin % BLOCK_SIZE === 0 && begin < geometry.pieceSize(piece);
      if (!valid || state?.forgive(this.blockId(piece, begin)) !== true) {
        throw new EngineError('PROTOCOL', `unrequested block: piece ${piece} offset ${begin}`, { peer: peer.key });
      }
      if (block.length !== geometry.blockSize(piece, begin / BLOCK_SIZE)) {
        throw new EngineError('PROTOCOL', `block of ${block.length} bytes for piece ${piece} offset ${begin}`, { peer: peer.key });
      }
    } else if (request.length !== block.length) {
      throw new EngineError('PROTOCOL', `asked for ${request.length} bytes at piece ${piece} offset ${begin}, got ${block.length}`, { peer: peer.key });
    }
    host.countDownload(peer, block.length);
    const index = begin / BLOCK_SIZE;
    if (host.picker.has(piece)) return; // a late or endgame duplicate
    if (!host.store.canAccept(piece)) {
      this.#abort(piece, index, peer.key);
      this.#waitForMemory();
      return;
    }
    const result = host.picker.blockReceived(piece, index, peer.key);
    if (!result.accepted) return;
    const others = result.cancel;
    for (let i = 0; i < others.length; i++) this.cancel(others[i]!, piece, begin);
    host.observeBlock(piece, index, peer.key, block);
    let outcome: BlockResult | Promise<BlockResult>;
    try {
      // Copies the block before it returns: `block` is a view of the socket's reused read buffer.
      outcome = host.store.offerBlock(piece, begin, block, peer.key);
    } catch (error) {
      // Handled after the current chunk's messages, as a rejected promise would be.
      this.#later(() => host.storageFailed(error));
      return;
    }
    if (outcome instanceof Promise) {
      outcome
        .then(
          (result) => this.#stored(result),
          (error: unknown) => host.storageFailed(error),
        )
        .catch((error: unknown) => host.internalError(error));
    } else if (outcome.kind !== 'stored' && outcome.kind !== 'duplicate') {
      // 'busy' starts the piece over: after the current chunk, as before (outcome order unchanged).
      this.#later(() => this.#stored(outcome));
    }
  }

  /** BEP 6 REJECT REQUEST. */
  onReject(peer: Peer, piece: number, begin: number): void {
    const state = this.#state.get(peer);
    const request = state?.requests.rejected(piece, begin);
    if (state === undefined || request === undefined) return;
    this.#abort(piece, begin / BLOCK_SIZE, peer.key);
    // A peer that unchoked us and keeps refusing what it claims to have is lying or broken; a few
    // refusals happen (a queue that was full), so only many end the connection (without a ban).
    if (!peer.peerChoking && ++state.rejects > MAX_REJECTS) {
      this.#host.drop(peer, new EngineError('CLOSED', `${state.rejects} requests rejected while unchoked`, { peer: peer.key }));
    }
  }

  /** CHOKE: without BEP 6 the peer drops our requests (BEP 3); with it, it rejects them one by one. */
  onChoke(peer: Peer): void {
    const state = this.#state.get(peer);
    if (peer.conn.fast || state === undefined) return;
    this.#abandon(peer, state, state.requests.clear());
  }

  /** Gives up requests that timed out and hands their blocks to other peers. */
  tick(): void {
    for (const [peer, state] of this.#state) {
      const expired = state.requests.expired();
      if (expired.length > 0) this.#abandon(peer, state, expired);
    }
    // Nothing to request (seeding, or paused): no peer to rank. A seed with 200 leechers spent most
    // of its session tick sorting them by rate.
    if (!this.#host.downloading) return;
    // Peers that deliver choose first: blocks given up on silent peers would otherwise go straight
    // back to silent peers, which, at the end, can hold every endgame slot of the last blocks.
    const peers = [...this.#host.peers()];
    const rank = (peer: Peer): [boolean, number, number] => [this.snubbed(peer), peer.downloadMeter.rate(), peer.downloadMeter.total];
    const ranks = new Map(peers.map((peer) => [peer, rank(peer)]));
    peers.sort((a, b) => {
      const [snubbedA, rateA, totalA] = ranks.get(a)!;
      const [snubbedB, rateB, totalB] = ranks.get(b)!;
      return Number(snubbedA) - Number(snubbedB) || rateB - rateA || totalB - totalA;
    });
    for (const peer of peers) this.fill(peer);
  }

  /** Sends CANCEL for a block to the peer `key`, if it still owes it to us. */
  cancel(key: string, piece: number, begin: number): void {
    const other = this.#host.peer(key);
    const state = other === undefined ? undefined : this.#state.get(other);
    if (other === undefined || state === undefined) return;
    const request = state.requests.cancelled(piece, begin);
    if (request === undefined) return;
    this.#abort(piece, begin / BLOCK_SIZE, key);
    state.giveUp(this.blockId(piece, begin));
    other.conn.sendCancel(piece, begin, request.length);
  }

  /** A number naming a block, for per-peer bookkeeping (fits 2^53 for any torrent we accept). */
  blockId(piece: number, begin: number): number {
    return piece * this.#blocksPerPiece + Math.floor(begin / BLOCK_SIZE);
  }

  #abandon(peer: Peer, state: DownloadState, requests: readonly BlockRequest[]): void {
    for (const request of requests) {
      this.#abort(request.piece, request.begin / BLOCK_SIZE, peer.key);
      state.giveUp(this.blockId(request.piece, request.begin));
    }
  }

  /** A request given up: back to the picker, and a piece nobody is fetching any more gives its memory back. */
  #abort(piece: number, block: number, peer: string): void {
    this.#host.picker.abortRequest(piece, block, peer);
    if (this.#host.picker.pieceState(piece) === 'not-started') this.#host.store.unreserve(piece);
  }

  #stored(outcome: BlockResult): void {
    const host = this.#host;
    if (host.closed) return;
    switch (outcome.kind) {
      case 'stored':
      case 'duplicate':
        return;
      case 'busy':
        // Only a block of a new piece is refused, so the picker's copy of that piece holds nothing
        // the store kept: start the piece over.
        for (const { block, peer } of host.picker.pieceFailed(outcome.piece)) this.cancel(peer, outcome.piece, block * BLOCK_SIZE);
        this.#waitForMemory();
        return;
      case 'verified':
        host.pieceVerified(outcome.piece);
        return;
      case 'hash-failed':
        host.pieceFailed(outcome.piece, outcome.senders);
        return;
    }
  }

  /** Runs `work` after the current chunk's messages; a throw from it stops the torrent (INTERNAL), not the process. */
  #later(work: () => void): void {
    queueMicrotask(() => {
      try {
        work();
      } catch (error) {
        this.#host.internalError(error);
      }
    });
  }

  #waitForMemory(): void {
    if (this.#waitingForMemory) return;
    this.#waitingForMemory = true;
    this.#host.store
      .waitForMemory()
      .then(
        () => {
          this.#waitingForMemory = false;
          this.fillAll();
        },
        () => {
          this.#waitingForMemory = false;
        },
      )
      .catch((error: unknown) => this.#host.internalError(error));
  }
}
