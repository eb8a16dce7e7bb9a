// Serving the blocks peers request: from verified pieces only, through the upload rate limiters,
// with the socket's back-pressure (a write that fills the buffer stops serving until 'drain'), a cap
// on reads in flight and on queued requests per peer, and the session's cap on upload data held in
// memory (UploadMemory: per peer and in total), counted from the read's start until its write has
// left the socket's buffer, and the session's budget of blocks started per loop turn (UploadTurns).
// Requests past a cap stay queued, unread, until bytes leave or the next turn.
import { BLOCK_SIZE, type PieceGeometry } from '@typetorrent/metainfo';
import { allowedFastSet } from '@typetorrent/peer-wire';
import type { PieceStore } from '@typetorrent/storage';
import type { Clock } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import type { Limiter } from '../rate/rate-limiter.js';
import type { Peer } from './peer.js';
import { UploadMemory } from './upload-memory.js';
import { contiguousRun, lengthOf, type IncomingRequest } from './upload-run.js';
import { blocksOf } from './upload-turns.js';

export type { IncomingRequest } from './upload-run.js';

/**
 * Most requests a peer may queue with us, announced as our BEP 10 `reqq`: the excess is rejected
 * (BEP 6) or dropped. libtorrent allows 2000 (max_allowed_in_request_queue) and keeps no more than
 * the other side's `reqq` outstanding, so a smaller number here caps how fast it can download from us
 * (500 held a loopback libtorrent leecher to about 150 MB/s).
 */
export const MAX_INCOMING_REQUESTS = 2000;

/** Disk reads in flight per peer: enough to hide read latency, few enough to keep memory small. */
const MAX_READS_PER_PEER = 8;

/**
 * Requests in a row for pieces we lack, or while we choke the peer, from a peer without BEP 6 (which
 * has no way to be told no). A few happen at each CHOKE (requests cross it); many in a row mean a
 * broken peer. An accepted request starts the count again (libtorrent counts the same way).
 */
const MAX_BAD_REQUESTS = 64;

/** BEP 6 suggests 10 allowed-fast pieces per peer (libtorrent's allowed_fast_set_size). */
const ALLOWED_FAST_PIECES = 10;

/** What the uploader may use of its torrent. */
export interface UploaderHost {
  readonly infoHash: Uint8Array;
  readonly geometry: PieceGeometry;
  readonly store: Pick<PieceStore, 'has' | 'readBlock'>;
  readonly clock: Clock;
  /** Torrent then session: both must allow a transfer. */
  readonly limiter: Limiter;
  /** The session's cap on upload data held in memory (per peer and in total); undefined: the torrent's own, with the defaults. */
  readonly memory?: UploadMemory | undefined;
  /** Running (not paused or closed). */
  readonly uploading: boolean;
  readonly closed: boolean;
  peers(): Iterable<Peer>;
  countUpload(peer: Peer, bytes: number): void;
  warn(warning: EngineError): void;
  internalError(error: unknown): void;
}

/** The uploader's bookkeeping for one peer. */
class UploadState {
  /** Their requests to us, oldest first. */
  readonly queue: IncomingRequest[] = [];
  /** Pieces we let the peer request while we choke it (BEP 6 allowed fast). */
  readonly grantedFast = new Set<number>();
  /** Reads in flight for this peer's requests. */
  serving = 0;
  /** Requests in a row we could not serve, from a peer without BEP 6 (we cannot reject them). */
  badRequests = 0;
  /** Bytes of its reads in flight and of its writes not yet handed to the kernel (UploadMemory). */
  held = 0;
  /** Set once it left: its bytes went back then, so later completions give back nothing. */
  left = false;
  /** Serves it again when the session's upload memory has room, or in the next turn (made when first needed). */
  wake: (() => void) | undefined;
  /** A serve is due once the current socket read has been handled (see onRequest). */
  serveSoon = false;
}

export class Uploader {
  readonly #host: UploaderHost;
  readonly #memory: UploadMemory;
  readonly #state = new Map<Peer, UploadState>();
  #limitTimer: (() => void) | undefined;
  /** Peers waiting for the rate limiters, in turn order. */
  readonly #waiting = new Set<Peer>();
  #pumping = false;

  constructor(host: UploaderHost) {
    this.#host = host;
    this.#memory = host.memory ?? new UploadMemory({}, { clock: host.clock });
  }

  join(peer: Peer): void {
    this.#state.set(peer, new UploadState());
  }

  leave(peer: Peer): void {
    const state = this.#state.get(peer);
    this.#state.delete(peer);
    this.#waiting.delete(peer);
    if (state !== undefined) this.#forget(state);
  }

  /**
   * BEP 6: a few pieces the peer may request while we choke it, so a newcomer gets something to
   * trade before its first unchoke. The canonical set for its address; we grant those we have.
   */
  grantAllowedFast(peer: Peer): void {
    const state = this.#state.get(peer);
    const address = peer.conn.remoteAddress;
    if (state === undefined || address === undefined) return;
    let set: number[];
    try {
      set = allowedFastSet(address, this.#host.infoHash, this.#host.geometry.pieceCount, ALLOWED_FAST_PIECES);
    } catch {
      return; // BEP 6 defines the set for IPv4 only
    }
    for (const piece of set) {
      if (!this.#host.store.has(piece)) continue;
      state.grantedFast.add(piece);
      peer.conn.send({ type: 'allowed-fast', index: piece });
    }
  }

  /** Requests the peer has queued with us. */
  queued(peer: Peer): number {
    return this.#state.get(peer)?.queue.length ?? 0;
  }

  /** Bytes held in memory for the peer: reads in flight and writes not yet handed to the kernel. */
  held(peer: Peer): number {
    return this.#state.get(peer)?.held ?? 0;
  }

  /** A REQUEST message (its length was checked by the decoder: 1..16 KiB). */
  onRequest(peer: Peer, request: IncomingRequest): void {
    const host = this.#host;
    const state = this.#state.get(peer);
    if (state === undefined) return;
    const { piece, begin, length } = request;
    if (piece >= host.geometry.pieceCount || begin + length > host.geometry.pieceSize(piece)) {
      throw new EngineError('PROTOCOL', `request outside piece ${piece}: ${begin}+${length}`, { peer: peer.key });
    }
    const allowed = host.uploading && host.store.has(piece) && (!peer.amChoking || state.grantedFast.has(piece));
    if (!allowed || state.queue.length >= MAX_INCOMING_REQUESTS) {
      this.#refuse(peer, state, request);
      return;
    }
    state.badRequests = 0;
    state.queue.push(request);
    // Served once the chunk that carried it has been handled (a microtask): the requests of one
    // socket read then make one run, one storage read and one writev, not one each.
    if (state.serveSoon) return;
    state.serveSoon = true;
    queueMicrotask(() => {
      state.serveSoon = false;
      if (!state.left) this.serve(peer);
    });
  }

  /** CANCEL: drop the request if it is still queued (a read in flight is sent anyway). */
  onCancel(peer: Peer, piece: number, begin: number, length: number): void {
    const queue = this.#state.get(peer)?.queue;
    const at = queue?.findIndex((r) => r.piece === piece && r.begin === begin && r.length === length) ?? -1;
    if (at !== -1) queue?.splice(at, 1);
  }

  /** We choke the peer: BEP 6 rejects what it queued; BEP 3 silently drops it. */
  onChoke(peer: Peer): void {
    const state = this.#state.get(peer);
    if (state === undefined) return;
    const queued = state.queue.splice(0);
    if (!peer.conn.fast) return;
    for (const request of queued) {
      if (state.grantedFast.has(request.piece)) state.queue.push(request);
      else peer.conn.sendReject(request.piece, request.begin, request.length);
    }
  }

  /** Sends what the peer asked for while the socket, the limiters and the read cap allow. */
  serve(peer: Peer): void {
    const state = this.#state.get(peer);
    if (state === undefined) return;
    // Once the limiters ration bytes, peers take turns (one block each per round) instead of the
    // first peer to ask taking every token.
    if (this.#waiting.size > 0 && !this.#pumping) {
      if (state.queue.length > 0) this.#waiting.add(peer);
      return;
    }
    this.#serve(peer, state, Number.POSITIVE_INFINITY);
  }

  serveAll(): void {
    for (const peer of this.#host.peers()) this.serve(peer);
  }

  /** Stops the limiter timer and gives back every peer's held bytes. */
  close(): void {
    this.#limitTimer?.();
    this.#limitTimer = undefined;
    this.#waiting.clear();
    for (const state of this.#state.values()) this.#forget(state);
    this.#state.clear();
  }

  /** Starts up to `maxBlocks` reads; returns how many. Joins the waiting line when the limiters say wait. */
  #serve(peer: Peer, state: UploadState, maxBlocks: number): number {
    const host = this.#host;
    const memory = this.#memory;
    const queue = state.queue;
    let started = 0;
    while (started < maxBlocks && queue.length > 0 && state.serving < MAX_READS_PER_PEER && peer.conn.writable) {
      const next = queue[0];
      if (next === undefined) break;
      // Over its own share the peer waits for its writes to complete (each completion serves it
      // again); with none held it may always start one block, whatever the share.
      const room = Math.max(memory.perPeer - state.held, state.held === 0 ? next.length : 0);
      if (room < next.length) break;
      if (memory.available < next.length) {
        state.wake ??= () => this.serve(peer);
        memory.wait(state.wake);
        break;
      }
      // The session's blocks for this loop turn are used up: the rest of the queue waits for the next.
      const turns = memory.turns;
      if (turns !== undefined && turns.left <= 0) {
        state.wake ??= () => this.serve(peer);
        turns.wait(state.wake);
        break;
      }
      const wait = host.limiter.waitTime(next.length);
      if (wait > 0) {
        this.#waiting.add(peer);
        this.#retryAfter(wait);
        break;
      }
      const turnBytes = turns === undefined ? Number.POSITIVE_INFINITY : turns.left * BLOCK_SIZE;
      // One read (and one corked write) for the contiguous requests at the head of the queue.
      const run = contiguousRun(queue, Math.min(host.limiter.available(), room, memory.available, turnBytes));
      // Whole blocks read into a pooled buffer (taken before the bytes are counted held: see
      // UploadMemory.take); other lengths into a new one (not zeroed: see readBlock).
      const pooled = memory.buffersFor(run.length)?.take();
      host.limiter.take(run.length);
      turns?.take(blocksOf(run.length));
      memory.take(run.length);
      state.held += run.length;
      queue.splice(0, run.requests.length);
      state.serving++;
      started++;
      host.store
        .readBlock(next.piece, next.begin, run.length, pooled === undefined ? {} : { into: pooled })
        .then(
          (data) => this.#send(peer, state, run.requests, data, pooled),
          (error: unknown) => this.#readFailed(peer, state, run.requests, error, pooled),
        )
        .catch((error: unknown) => host.internalError(error));
    }
    return started;
  }

  /**
   * A read for `requests` (one contiguous run) completed: one corked write for all of them. `pooled`:
   * the pool's buffer it was read into, given back once the write no longer references it.
   */
  #send(peer: Peer, state: UploadState, requests: readonly IncomingRequest[], data: Uint8Array, pooled: Uint8Array | undefined): void {
    state.serving--;
    // What was held for the run (the store returns that many bytes; counted the same way as taken).
    const bytes = lengthOf(requests);
    if (peer.conn.closed) {
      this.#give(state, bytes, pooled);
      return;
    }
    const start = requests[0]?.begin ?? 0;
    // A uTP stream keeps the written bytes themselves until the peer acknowledges them (to send them
    // again), long after its write callback: its blocks are not reused. Encrypted, the connection
    // copies the block beside its header before writing, so it may be, whatever the transport.
    const reusable = pooled !== undefined && (peer.conn.transport === 'tcp' || peer.conn.encrypted) ? pooled : undefined;
    // Writes complete in order: the run's last one says all of it has left the socket's buffer (a
    // TCP socket's callback comes once the kernel has the bytes, or the socket was destroyed).
    const written = (): void => {
      this.#give(state, bytes, reusable);
      if (!state.left) this.serve(peer);
    };
    const last = requests.length - 1;
    peer.conn.corked(() => {
      requests.forEach((request, i) => {
        const at = request.begin - start;
        peer.conn.sendPiece(request.piece, request.begin, data.subarray(at, at + request.length), i === last ? written : undefined);
      });
    });
    this.#host.countUpload(peer, data.length);
    this.serve(peer);
  }

  #readFailed(peer: Peer, state: UploadState, requests: readonly IncomingRequest[], error: unknown, pooled: Uint8Array | undefined): void {
    state.serving--;
    this.#give(state, lengthOf(requests), pooled);
    const host = this.#host;
    if (host.closed || peer.conn.closed) return;
    const piece = requests[0]?.piece;
    host.warn(new EngineError('STORAGE', `could not read piece ${piece} for upload: ${describeError(error)}`, { peer: peer.key, cause: error }));
    if (peer.conn.fast) for (const request of requests) peer.conn.sendReject(request.piece, request.begin, request.length);
    // The freed read slot serves the rest of the queue: no completion may come to do it.
    this.serve(peer);
  }

  /**
   * Serves the waiting peers in rounds of one read each, in line order, until the tokens run out.
   * The peer that finds the bucket empty keeps its place at the head of the line for the next round.
   */
  #pump(): void {
    this.#pumping = true;
    try {
      let progressed = true;
      while (progressed && this.#waiting.size > 0) {
        progressed = false;
        for (const peer of [...this.#waiting]) {
          const state = this.#state.get(peer);
          const next = state?.queue[0];
          if (state === undefined || peer.conn.closed || next === undefined) {
            this.#waiting.delete(peer);
            continue;
          }
          const wait = this.#host.limiter.waitTime(next.length);
          if (wait > 0) {
            this.#retryAfter(wait);
            return;
          }
          this.#waiting.delete(peer);
          // A peer at its read cap or with a full socket comes back by its read completion or 'drain'.
          if (this.#serve(peer, state, 1) > 0) {
            progressed = true;
            if (state.queue.length > 0) this.#waiting.add(peer);
          }
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * Gives back `bytes` the peer held (nothing once it left: leaving gave back all it held), and the
   * pooled buffer they were in, which nothing references any more. The buffer goes first, while its
   * bytes still count as held, so the pool never keeps more than the cap leaves; and a peer the
   * release wakes reads into it rather than into a new one.
   */
  #give(state: UploadState, bytes: number, pooled?: Uint8Array): void {
    if (state.left) return; // its bytes went back already: the pool has no room to check against
    if (pooled !== undefined) this.#memory.buffersFor(pooled.length)?.give(pooled);
    state.held -= bytes;
    this.#memory.release(bytes);
  }

  /** The peer is gone: what it held goes back to the session, and it waits for nothing more. */
  #forget(state: UploadState): void {
    if (state.left) return;
    state.left = true;
    if (state.wake !== undefined) {
      this.#memory.cancel(state.wake);
      this.#memory.turns?.cancel(state.wake);
    }
    const held = state.held;
    state.held = 0;
    this.#memory.release(held);
  }

  #retryAfter(ms: number): void {
    if (this.#limitTimer !== undefined) return;
    this.#limitTimer = this.#host.clock.setTimeout(() => {
      this.#limitTimer = undefined;
      if (!this.#host.closed) this.#pump();
    }, ms);
  }

  #refuse(peer: Peer, state: UploadState, request: IncomingRequest): void {
    if (peer.conn.fast) {
      peer.conn.sendReject(request.piece, request.begin, request.length);
      return;
    }
    state.badRequests++;
    if (state.badRequests > MAX_BAD_REQUESTS) {
      throw new EngineError('PROTOCOL', `${state.badRequests} requests for pieces we do not have or while choked`, { peer: peer.key });
    }
  }
}
