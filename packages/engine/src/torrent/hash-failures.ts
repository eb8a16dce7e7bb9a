// Who sent the bad data? A piece that fails its hash (BEP 3) names the peer behind each block
// (PieceStore's `senders`). One sender: that peer is guilty. Several: we cannot tell yet, so, like
// libtorrent's smart ban, the torrent starts remembering a digest of every block it receives; when a
// failed piece later passes, each block of the failed attempt whose digest differs from the good one
// convicts its sender. Hashing blocks costs CPU, so it only starts after the first failure.
import { createHash } from 'node:crypto';

interface BlockDigest {
  readonly peer: string;
  readonly digest: string;
}

/** Failed attempts kept per piece: more would only say again what the first ones said. */
const MAX_ATTEMPTS = 4;

export class HashFailures {
  /** True after the first failure: block digests are recorded from then on. */
  #recording = false;
  /** Digests of the blocks of pieces being downloaded now, by piece then block. */
  readonly #current = new Map<number, Map<number, BlockDigest>>();
  /** Digests of failed attempts, by piece. */
  readonly #failed = new Map<number, Map<number, BlockDigest>[]>();

  get recording(): boolean {
    return this.#recording;
  }

  /** A block was accepted for `piece` from `peer`. */
  observe(piece: number, block: number, peer: string, data: Uint8Array): void {
    if (!this.#recording) return;
    let blocks = this.#current.get(piece);
    if (blocks === undefined) {
      blocks = new Map();
      this.#current.set(piece, blocks);
    }
    blocks.set(block, { peer, digest: createHash('sha1').update(data).digest('hex') });
  }

  /** The piece failed; returns the peers proven guilty now (the only sender, when there was one). */
  failed(piece: number, senders: readonly string[]): string[] {
    this.#recording = true;
    const attempt = this.#current.get(piece);
    this.#current.delete(piece);
    const distinct = new Set(senders.filter((s) => s !== ''));
    if (distinct.size === 1) return [...distinct];
    if (attempt !== undefined) {
      const attempts = this.#failed.get(piece) ?? [];
      if (attempts.length < MAX_ATTEMPTS) attempts.push(attempt);
      this.#failed.set(piece, attempts);
    }
    return [];
  }

  /** The piece passed; returns the senders of blocks that differed in its failed attempts. */
  verified(piece: number): string[] {
    const good = this.#current.get(piece);
    this.#current.delete(piece);
    const attempts = this.#failed.get(piece);
    this.#failed.delete(piece);
    if (good === undefined || attempts === undefined) return [];
    const guilty = new Set<string>();
    for (const attempt of attempts) {
      for (const [block, bad] of attempt) {
        const truth = good.get(block);
        if (truth !== undefined && truth.digest !== bad.digest) guilty.add(bad.peer);
      }
    }
    return [...guilty];
  }
}
