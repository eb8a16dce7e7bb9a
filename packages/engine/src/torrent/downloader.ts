// Requesting blocks and taking them in: the picker chooses, PeerRequests keeps each peer's queue at
// its adaptive depth, PieceStore assembles and verifies. Blocks arrive as subarrays of socket chunks
// and are copied exactly once, into the piece buffer (PieceStore.offerBlock copies synchronously).
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import type { BlockResult } from '@typetorrent/storage';
import { EngineError } from '../errors.js';
import type { BlockRequest } from '../requests/peer-requests.js';
import type { Peer } from './peer.js';
import type { Runtime } from './runtime.js';

/**
 * Requests are sent in batches: a peer whose queue is deep gets new requests once a quarter of it
 * has been answered, not after every block, so one write carries many requests. A quarter rather
 * than an eighth: 1 GiB from a libtorrent seeder, interleaved runs, median 4.29 s against 4.45 s.
 */
const REFILL_FRACTION = 4;

/** Rejections (BEP 6) while unchoked after which a peer is dropped. */
const MAX_REJECTS = 256;

export class Downloader {
  readonly #rt: Runtime;
  /** The piece buffers are full: no new requests until PieceStore.waitForMemory resolves. */
  #waitingForMemory = false;

  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  /** Sends as many requests to `peer` as its queue depth allows. */
  fill(peer: Peer): void {
    const rt = this.#rt;
    if (!rt.downloading || peer.conn.closed || !peer.amInterested || this.#waitingForMemory) return;
    if (peer.peerChoking && peer.allowedFast.size === 0) return;
    const depth = peer.requests.depth(peer.downloadMeter.rate());
    const wanted = depth - peer.requests.size;
    if (wanted <= 0 || (peer.requests.size > 0 && wanted < Math.max(1, Math.floor(depth / REFILL_FRACTION)))) return;
    const picks = rt.picker.pickBlocks(peer, wanted);
    if (picks.length === 0) {
      if (peer.requests.size === 0 && !rt.picker.isInteresting(peer)) rt.setInterested(peer, false);
      return;
    }
    const geometry = rt.geometry;
    const batch: BlockRequest[] = [];
    for (const pick of picks) {
      const begin = pick.block * BLOCK_SIZE;
      if (!rt.store.canAccept(pick.piece)) {
        rt.picker.abortRequest(pick.piece, pick.block, peer.key);
        this.#waitForMemory();
        continue;
      }
      const length = geometry.blockSize(pick.piece, pick.block);
      // Already outstanding to this peer: the picker now records it too, which is the truth (STATE.md:
      // requested in the picker iff held in PeerRequests), and it is not sent twice.
      if (!peer.requests.add(pick.piece, begin, length)) continue;
      batch.push({ piece: pick.piece, begin, length, sentAt: 0 });
    }
    peer.conn.sendRequests(batch);
  }

  fillAll(): void {
    for (const peer of this.#rt.peers.values()) this.fill(peer);
  }

  /**
   * A PIECE message. Throws PROTOCOL for a block we never asked for (and did not give up on) or one
   * of the wrong size: the caller drops and bans the peer.
   */
  onBlock(peer: Peer, piece: number, begin: number, block: Uint8Array): void {
    const rt = this.#rt;
    const geometry = rt.geometry;
    const request = peer.requests.received(piece, begin);
    if (request === undefined) {
      const valid = piece < geometry.pieceCount && begin % BLOCK_SIZE === 0 && begin < geometry.pieceSize(piece);
      if (!valid || !peer.forgive(rt.blockId(piece, begin))) {
        throw new EngineError('PROTOCOL', `unrequested block: piece ${piece} offset ${begin}`, { peer: peer.key });
      }
      if (block.length !== geometry.blockSize(piece, begin / BLOCK_SIZE)) {
        throw new EngineError('PROTOCOL', `block of ${block.length} bytes for piece ${piece} offset ${begin}`, { peer: peer.key });
      }
    } else if (request.length !== block.length) {
      throw new EngineError('PROTOCOL', `asked for ${request.length} bytes at piece ${piece} offset ${begin}, got ${block.length}`, { peer: peer.key });
    }
    rt.countDownload(peer, block.length);
    const index = begin / BLOCK_SIZE;
    if (rt.picker.has(piece)) return; // a late or endgame duplicate
    if (!rt.store.canAccept(piece)) {
      rt.picker.abortRequest(piece, index, peer.key);
      this.#waitForMemory();
      return;
    }
    const result = rt.picker.blockReceived(piece, index, peer.key);
    if (!result.accepted) return;
    for (const key of result.cancel) this.cancel(key, piece, begin);
    rt.hashFailures.observe(piece, index, peer.key, block);
    let outcome: BlockResult | Promise<BlockResult>;
    try {
      // Copies the block before it returns: `block` is a view of the socket's reused read buffer.
      outcome = rt.store.offerBlock(piece, begin, block, peer.key);
    } catch (error) {
      // Handled after the current chunk's messages, as a rejected promise used to be.
      this.#later(() => rt.storageFailed(error));
      return;
    }
    if (outcome instanceof Promise) {
      outcome
        .then(
          (result) => this.#stored(result),
          (error: unknown) => rt.storageFailed(error),
        )
        .catch((error: unknown) => rt.internalError(error));
    } else if (outcome.kind !== 'stored' && outcome.kind !== 'duplicate') {
      // 'busy' starts the piece over: after the current chunk, as before (outcome order unchanged).
      this.#later(() => this.#stored(outcome));
    }
  }

  /** BEP 6 REJECT REQUEST. */
  onReject(peer: Peer, piece: number, begin: number): void {
    const request = peer.requests.rejected(piece, begin);
    if (request === undefined) return;
    this.#rt.picker.abortRequest(piece, begin / BLOCK_SIZE, peer.key);
    // A peer that unchoked us and keeps refusing what it claims to have is lying or broken; a few
    // refusals happen (a queue that was full), so only many end the connection (without a ban).
    if (!peer.peerChoking && ++peer.rejects > MAX_REJECTS) {
      this.#rt.drop(peer, new EngineError('CLOSED', `${peer.rejects} requests rejected while unchoked`, { peer: peer.key }));
    }
  }

  /** CHOKE: without BEP 6 the peer drops our requests (BEP 3); with it, it rejects them one by one. */
  onChoke(peer: Peer): void {
    if (peer.conn.fast) return;
    this.#abandon(peer, peer.requests.clear());
  }

  /** The peer is gone: its requests go back to the picker. */
  onPeerGone(peer: Peer): void {
    for (const request of peer.requests.clear()) this.#rt.picker.abortRequest(request.piece, request.begin / BLOCK_SIZE, peer.key);
  }

  /** Gives up requests that timed out and hands their blocks to other peers. */
  tick(): void {
    for (const peer of this.#rt.peers.values()) {
      const expired = peer.requests.expired();
      if (expired.length > 0) this.#abandon(peer, expired);
    }
    this.fillAll();
  }

  /** Sends CANCEL for a block to the peer `key`, if it still owes it to us. */
  cancel(key: string, piece: number, begin: number): void {
    const rt = this.#rt;
    const other = rt.peers.get(key);
    if (other === undefined) return;
    const request = other.requests.cancelled(piece, begin);
    if (request === undefined) return;
    rt.picker.abortRequest(piece, begin / BLOCK_SIZE, key);
    other.giveUp(rt.blockId(piece, begin));
    other.conn.sendCancel(piece, begin, request.length);
  }

  #abandon(peer: Peer, requests: readonly BlockRequest[]): void {
    const rt = this.#rt;
    for (const request of requests) {
      rt.picker.abortRequest(request.piece, request.begin / BLOCK_SIZE, peer.key);
      peer.giveUp(rt.blockId(request.piece, request.begin));
    }
  }

  #stored(outcome: BlockResult): void {
    const rt = this.#rt;
    if (rt.closed) return;
    switch (outcome.kind) {
      case 'stored':
      case 'duplicate':
        return;
      case 'busy':
        // Only a block of a new piece is refused, so the picker's copy of that piece holds nothing
        // the store kept: start the piece over.
        for (const { block, peer } of rt.picker.pieceFailed(outcome.piece)) this.cancel(peer, outcome.piece, block * BLOCK_SIZE);
        this.#waitForMemory();
        return;
      case 'verified':
        rt.pieceVerified(outcome.piece);
        return;
      case 'hash-failed':
        rt.pieceFailed(outcome.piece, outcome.senders);
        return;
    }
  }

  /** Runs `work` after the current chunk's messages; a throw from it stops the torrent (INTERNAL), not the process. */
  #later(work: () => void): void {
    queueMicrotask(() => {
      try {
        work();
      } catch (error) {
        this.#rt.internalError(error);
      }
    });
  }

  #waitForMemory(): void {
    if (this.#waitingForMemory) return;
    this.#waitingForMemory = true;
    this.#rt.store
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
      .catch((error: unknown) => this.#rt.internalError(error));
  }
}
