// The info dictionary of a magnet link, put together from 16 KiB ut_metadata pieces (BEP 9): which
// pieces we have, which are asked of whom, and the check that the whole hashes to the info-hash.
// Pure: no sockets, no timers (the caller passes the time).
import { createHash } from 'node:crypto';
import { METADATA_PIECE_LENGTH, metadataPieceCount, metadataPieceLength } from '@typetorrent/peer-wire';

/**
 * Largest info dict fetched. BEP 9 allows any size; 16 MiB holds the piece hashes of a torrent of
 * several terabytes, and the whole buffer is allocated at once when the first peer names a size.
 */
export const MAX_METADATA_SIZE = 16 * 1024 * 1024;

export type PieceOutcome = 'stored' | 'complete' | 'unexpected';

interface Asked {
  readonly peer: string;
  readonly at: number;
}

export class MetadataAssembly {
  readonly size: number;
  readonly pieceCount: number;
  readonly #buffer: Uint8Array;
  readonly #have: boolean[];
  readonly #senders: (string | undefined)[];
  readonly #asked = new Map<number, Asked>();
  /** Pieces each peer refused: never asked of it again. */
  readonly #refused = new Map<string, Set<number>>();
  #missing: number;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1 || size > MAX_METADATA_SIZE) throw new RangeError(`metadata size ${size} is outside 1..${MAX_METADATA_SIZE}`);
    this.size = size;
    this.pieceCount = metadataPieceCount(size);
    this.#buffer = new Uint8Array(size);
    this.#have = new Array<boolean>(this.pieceCount).fill(false);
    this.#senders = new Array<string | undefined>(this.pieceCount).fill(undefined);
    this.#missing = this.pieceCount;
  }

  get complete(): boolean {
    return this.#missing === 0;
  }

  /** How many pieces are asked of `peer` now. */
  askedOf(peer: string): number {
    let n = 0;
    for (const asked of this.#asked.values()) if (asked.peer === peer) n++;
    return n;
  }

  /** A piece to ask `peer` for: one nobody has been asked for, or whose request is older than `timeoutMs`. */
  next(peer: string, now: number, timeoutMs: number): number | undefined {
    const refused = this.#refused.get(peer);
    for (let piece = 0; piece < this.pieceCount; piece++) {
      if (this.#have[piece] === true || refused?.has(piece) === true) continue;
      const asked = this.#asked.get(piece);
      if (asked !== undefined && (asked.peer === peer || now - asked.at < timeoutMs)) continue;
      this.#asked.set(piece, { peer, at: now });
      return piece;
    }
    return undefined;
  }

  /** A data message: stores the piece if it is one we lack and of the right length. */
  received(piece: number, data: Uint8Array, peer: string): PieceOutcome {
    if (piece < 0 || piece >= this.pieceCount || data.length !== metadataPieceLength(this.size, piece)) return 'unexpected';
    if (this.#have[piece] === true) return 'stored';
    this.#buffer.set(data, piece * METADATA_PIECE_LENGTH);
    this.#have[piece] = true;
    this.#senders[piece] = peer;
    this.#asked.delete(piece);
    this.#missing--;
    return this.#missing === 0 ? 'complete' : 'stored';
  }

  rejected(piece: number, peer: string): void {
    if (this.#asked.get(piece)?.peer === peer) this.#asked.delete(piece);
    let refused = this.#refused.get(peer);
    if (refused === undefined) {
      refused = new Set();
      this.#refused.set(peer, refused);
    }
    refused.add(piece);
  }

  /** The peer left: what it was asked for may be asked of others at once. */
  peerGone(peer: string): void {
    for (const [piece, asked] of this.#asked) if (asked.peer === peer) this.#asked.delete(piece);
    this.#refused.delete(peer);
  }

  /**
   * The whole dict once complete: the bytes if their SHA-1 is `infoHash`; otherwise every piece is
   * dropped to be fetched again, and the senders are returned (BEP 9: the data cannot be trusted).
   */
  verify(infoHash: Uint8Array): { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly senders: string[] } {
    const digest = createHash('sha1').update(this.#buffer).digest();
    if (Buffer.compare(digest, Buffer.from(infoHash)) === 0) return { ok: true, bytes: this.#buffer };
    const senders = [...new Set(this.#senders.filter((s): s is string => s !== undefined))];
    this.#have.fill(false);
    this.#senders.fill(undefined);
    this.#asked.clear();
    this.#missing = this.pieceCount;
    return { ok: false, senders };
  }
}
