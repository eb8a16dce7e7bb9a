// Serving the blocks peers request: from verified pieces only, through the upload rate limiters,
// with the socket's back-pressure (a write that fills the buffer stops serving until 'drain') and a
// cap on reads in flight and on queued requests per peer.
import { DEFAULT_MAX_READ_LENGTH } from '@typetorrent/storage';
import { EngineError, describeError } from '../errors.js';
import { MAX_INCOMING_REQUESTS, type IncomingRequest, type Peer } from './peer.js';
import type { Runtime } from './runtime.js';

/** Disk reads in flight per peer: enough to hide read latency, few enough to keep memory small. */
const MAX_READS_PER_PEER = 8;

/**
 * Requests for pieces we lack, or while we choke the peer, from a peer without BEP 6 (which has no
 * way to be told no). A few happen (a HAVE crossed a CHOKE); many mean a broken peer.
 */
const MAX_BAD_REQUESTS = 64;

export class Uploader {
  readonly #rt: Runtime;
  #limitTimer: (() => void) | undefined;
  /** Peers waiting for the rate limiters, in turn order. */
  readonly #waiting = new Set<Peer>();
  #pumping = false;

  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  /** A REQUEST message (its length was checked by the decoder: 1..16 KiB). */
  onRequest(peer: Peer, request: IncomingRequest): void {
    const rt = this.#rt;
    const { piece, begin, length } = request;
    if (piece >= rt.geometry.pieceCount || begin + length > rt.geometry.pieceSize(piece)) {
      throw new EngineError('PROTOCOL', `request outside piece ${piece}: ${begin}+${length}`, { peer: peer.key });
    }
    const allowed = rt.uploading && rt.store.has(piece) && (!peer.amChoking || peer.grantedFast.has(piece));
    if (!allowed || peer.incoming.length >= MAX_INCOMING_REQUESTS) {
      this.#refuse(peer, request);
      return;
    }
    peer.incoming.push(request);
    this.serve(peer);
  }

  /** CANCEL: drop the request if it is still queued (a read in flight is sent anyway). */
  onCancel(peer: Peer, piece: number, begin: number, length: number): void {
    const at = peer.incoming.findIndex((r) => r.piece === piece && r.begin === begin && r.length === length);
    if (at !== -1) peer.incoming.splice(at, 1);
  }

  /** We choke the peer: BEP 6 rejects what it queued; BEP 3 silently drops it. */
  onChoke(peer: Peer): void {
    const queued = peer.incoming.splice(0);
    if (!peer.conn.fast) return;
    for (const request of queued) {
      if (peer.grantedFast.has(request.piece)) peer.incoming.push(request);
      else peer.conn.sendReject(request.piece, request.begin, request.length);
    }
  }

  /** Sends what the peer asked for while the socket, the limiters and the read cap allow. */
  serve(peer: Peer): void {
    // Once the limiters ration bytes, peers take turns (one block each per round) instead of the
    // first peer to ask taking every token.
    if (this.#waiting.size > 0 && !this.#pumping) {
      if (peer.incoming.length > 0) this.#waiting.add(peer);
      return;
    }
    this.#serve(peer, Number.POSITIVE_INFINITY);
  }

  serveAll(): void {
    for (const peer of this.#rt.peers.values()) this.serve(peer);
  }

  /** Stops the limiter timer. */
  close(): void {
    this.#limitTimer?.();
    this.#limitTimer = undefined;
    this.#waiting.clear();
  }

  /** Starts up to `maxBlocks` reads; returns how many. Joins the waiting line when the limiters say wait. */
  #serve(peer: Peer, maxBlocks: number): number {
    const rt = this.#rt;
    let started = 0;
    while (started < maxBlocks && peer.incoming.length > 0 && peer.serving < MAX_READS_PER_PEER && peer.conn.writable) {
      const next = peer.incoming[0];
      if (next === undefined) break;
      const wait = rt.uploadLimiter.waitTime(next.length);
      if (wait > 0) {
        this.#waiting.add(peer);
        this.#retryAfter(wait);
        break;
      }
      const run = this.#run(peer.incoming, rt.uploadLimiter.available());
      rt.uploadLimiter.take(run.length);
      peer.incoming.splice(0, run.requests.length);
      peer.serving++;
      started++;
      rt.store
        .readBlock(next.piece, next.begin, run.length)
        .then(
          (data) => this.#send(peer, run.requests, data),
          (error: unknown) => this.#readFailed(peer, run.requests, error),
        )
        .catch((error: unknown) => rt.internalError(error));
    }
    return started;
  }

  /** A read for `requests` (one contiguous run) completed: one corked write for all of them. */
  #send(peer: Peer, requests: readonly IncomingRequest[], data: Uint8Array): void {
    peer.serving--;
    if (peer.conn.closed) return;
    const start = requests[0]?.begin ?? 0;
    peer.conn.corked(() => {
      for (const request of requests) {
        const at = request.begin - start;
        peer.conn.sendPiece(request.piece, request.begin, data.subarray(at, at + request.length));
      }
    });
    this.#rt.countUpload(peer, data.length);
    this.serve(peer);
  }

  #readFailed(peer: Peer, requests: readonly IncomingRequest[], error: unknown): void {
    peer.serving--;
    const rt = this.#rt;
    if (rt.closed || peer.conn.closed) return;
    const piece = requests[0]?.piece;
    rt.warn(new EngineError('STORAGE', `could not read piece ${piece} for upload: ${describeError(error)}`, { peer: peer.key, cause: error }));
    if (peer.conn.fast) for (const request of requests) peer.conn.sendReject(request.piece, request.begin, request.length);
  }

  /**
   * The requests at the head of the queue that ask for one contiguous range of a piece (peers ask
   * for a piece's blocks in order), up to one storage read and the bytes the limiters grant now: one
   * read and one corked write for them all.
   */
  #run(queue: readonly IncomingRequest[], budget: number): { requests: IncomingRequest[]; length: number } {
    const first = queue[0];
    if (first === undefined) return { requests: [], length: 0 };
    const requests = [first];
    let length = first.length;
    for (let i = 1; i < queue.length; i++) {
      const next = queue[i];
      if (next === undefined || next.piece !== first.piece || next.begin !== first.begin + length) break;
      if (length + next.length > Math.min(DEFAULT_MAX_READ_LENGTH, budget)) break;
      requests.push(next);
      length += next.length;
    }
    return { requests, length };
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
          const next = peer.incoming[0];
          if (peer.conn.closed || next === undefined) {
            this.#waiting.delete(peer);
            continue;
          }
          const wait = this.#rt.uploadLimiter.waitTime(next.length);
          if (wait > 0) {
            this.#retryAfter(wait);
            return;
          }
          this.#waiting.delete(peer);
          // A peer at its read cap or with a full socket comes back by its read completion or 'drain'.
          if (this.#serve(peer, 1) > 0) {
            progressed = true;
            if (peer.incoming.length > 0) this.#waiting.add(peer);
          }
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #retryAfter(ms: number): void {
    if (this.#limitTimer !== undefined) return;
    this.#limitTimer = this.#rt.services.clock.setTimeout(() => {
      this.#limitTimer = undefined;
      if (!this.#rt.closed) this.#pump();
    }, ms);
  }

  #refuse(peer: Peer, request: IncomingRequest): void {
    if (peer.conn.fast) {
      peer.conn.sendReject(request.piece, request.begin, request.length);
      return;
    }
    peer.badRequests++;
    if (peer.badRequests > MAX_BAD_REQUESTS) {
      throw new EngineError('PROTOCOL', `${peer.badRequests} requests for pieces we do not have or while choked`, { peer: peer.key });
    }
  }
}
