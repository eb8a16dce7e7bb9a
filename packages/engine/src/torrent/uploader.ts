// Serving the blocks peers request: from verified pieces only, through the upload rate limiters,
// with the socket's back-pressure (a write that fills the buffer stops serving until 'drain') and a
// cap on reads in flight and on queued requests per peer.
import { EngineError, describeError } from '../errors.js';
import { MAX_INCOMING_REQUESTS, type IncomingRequest, type Peer } from './peer.js';
import type { Runtime } from './runtime.js';

/** Disk reads in flight per peer: enough to hide read latency, few enough to keep memory small. */
const MAX_READS_PER_PEER = 4;

/**
 * Requests for pieces we lack, or while we choke the peer, from a peer without BEP 6 (which has no
 * way to be told no). A few happen (a HAVE crossed a CHOKE); many mean a broken peer.
 */
const MAX_BAD_REQUESTS = 64;

export class Uploader {
  readonly #rt: Runtime;
  /** Peers waiting for the rate limiters, served again when the timer fires. */
  #limitTimer: (() => void) | undefined;

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
    const rt = this.#rt;
    while (peer.incoming.length > 0 && peer.serving < MAX_READS_PER_PEER && peer.conn.writable) {
      const next = peer.incoming[0];
      if (next === undefined) break;
      const wait = rt.uploadLimiter.waitTime(next.length);
      if (wait > 0) {
        this.#retryAfter(wait);
        return;
      }
      rt.uploadLimiter.take(next.length);
      peer.incoming.shift();
      peer.serving++;
      rt.store.readBlock(next.piece, next.begin, next.length).then(
        (block) => {
          peer.serving--;
          if (peer.conn.closed) return;
          peer.conn.sendPiece(next.piece, next.begin, block);
          rt.countUpload(peer, block.length);
          this.serve(peer);
        },
        (error: unknown) => {
          peer.serving--;
          if (rt.closed || peer.conn.closed) return;
          rt.warn(new EngineError('STORAGE', `could not read piece ${next.piece} for upload: ${describeError(error)}`, { peer: peer.key, cause: error }));
          if (peer.conn.fast) peer.conn.sendReject(next.piece, next.begin, next.length);
        },
      );
    }
  }

  serveAll(): void {
    for (const peer of this.#rt.peers.values()) this.serve(peer);
  }

  /** Stops the limiter timer. */
  close(): void {
    this.#limitTimer?.();
    this.#limitTimer = undefined;
  }

  #retryAfter(ms: number): void {
    if (this.#limitTimer !== undefined) return;
    this.#limitTimer = this.#rt.services.clock.setTimeout(() => {
      this.#limitTimer = undefined;
      if (!this.#rt.closed) this.serveAll();
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
