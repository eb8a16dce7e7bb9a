// Which pieces one peer has. Before the torrent knows its pieces (a magnet link's metadata is
// still coming, or the data is being checked) the peer's announcements are kept as they came, to be
// checked and counted once the piece count is known; a peer that says too much before then is cut off.
import { Bitfield } from '@typetorrent/peer-wire';

/** An availability message kept until the piece count is known. */
export type EarlyAnnouncement = { readonly type: 'bitfield'; readonly bytes: Uint8Array } | { readonly type: 'have'; readonly index: number } | { readonly type: 'have-all' } | { readonly type: 'have-none' };

/**
 * Announcements kept per peer before the piece count is known: a bitfield and a HAVE per piece the
 * peer may gain meanwhile. Past this the peer is flooding us (libtorrent also caps pieces per
 * torrent, at 2^21 by default, but a peer gains few pieces while we fetch 10 MiB of metadata).
 */
export const MAX_EARLY_ANNOUNCEMENTS = 50_000;

export class PeerPieces {
  /** Undefined until the piece count is known. */
  #bits: Bitfield | undefined;
  #hasAll = false;
  /** Counted in the picker as a seed (`peerHasAll`) rather than piece by piece. */
  countedAsSeed = false;
  /** A bitfield, HAVE ALL/NONE or HAVE arrived: no first-message-only announcement may follow. */
  sawAvailability = false;
  #early: EarlyAnnouncement[] | undefined = [];

  get known(): boolean {
    return this.#bits !== undefined;
  }

  get bits(): Bitfield | undefined {
    return this.#bits;
  }

  get hasAll(): boolean {
    return this.#hasAll;
  }

  get isSeed(): boolean {
    return this.#hasAll || (this.#bits?.hasAll() ?? false);
  }

  has(piece: number): boolean {
    return this.#hasAll || (this.#bits?.get(piece) ?? false);
  }

  count(): number {
    return this.#bits?.count() ?? 0;
  }

  /** Keeps an announcement made before the piece count was known; false when too many were. */
  keep(announcement: EarlyAnnouncement): boolean {
    const early = this.#early;
    if (early === undefined) return true;
    if (early.length >= MAX_EARLY_ANNOUNCEMENTS) return false;
    early.push(announcement);
    return true;
  }

  /** The piece count is known: returns what was kept, in order, to be replayed. */
  learnPieceCount(pieceCount: number): readonly EarlyAnnouncement[] {
    if (this.#bits !== undefined) return [];
    this.#bits = new Bitfield(pieceCount);
    const early = this.#early ?? [];
    this.#early = undefined;
    return early;
  }

  replaceBits(bits: Bitfield): void {
    this.#bits = bits;
  }

  markAll(): void {
    this.#hasAll = true;
  }
}
