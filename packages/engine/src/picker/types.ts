/** A piece index, 0-based. */
export type PieceIndex = number;

/** A block index inside its piece, 0-based (block b covers bytes b * blockSize .. of the piece). */
export type BlockIndex = number;

/** One block, named by its piece and its index in that piece. */
export interface BlockRef {
  readonly piece: PieceIndex;
  readonly block: BlockIndex;
}

/**
 * Where a piece stands. Every piece is in exactly one of these at any moment:
 * - `have`: verified; we can upload it.
 * - `partial`: at least one block is requested, received or written, and it is not verified yet.
 * - `not-started`: wanted (priority > 0), no block requested or received.
 * - `not-wanted`: priority 0 and nothing of it in flight or buffered.
 *
 * A partial piece stays partial when its priority drops to 0 (its buffered blocks are not thrown
 * away), but no new block of it is picked.
 */
export type PieceState = 'have' | 'partial' | 'not-started' | 'not-wanted';

/**
 * Where a block of a partial piece stands:
 * - `none`: nobody has been asked for it.
 * - `requested`: asked of one peer, or of several in endgame.
 * - `received`: the data arrived and is buffered (not on disk, not verified).
 * - `written`: the data is on disk, waiting for the whole piece to be verified.
 *
 * Blocks of a `have` piece report `written`; blocks of other pieces report `none`.
 */
export type BlockState = 'none' | 'requested' | 'received' | 'written';

/** Piece priority: 0 = skip, 1 = lowest, 4 = normal (the default), 7 = highest. */
export type PiecePriority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The default piece priority, as in libtorrent. */
export const DEFAULT_PRIORITY: PiecePriority = 4;

/** The highest piece priority. */
export const MAX_PRIORITY: PiecePriority = 7;

/**
 * What the picker needs to know about the peer it picks for. Its pieces must already be counted in
 * the picker's availability (`peerBitfield` / `peerHasPiece`, or `peerHasAll` with `hasAll` set):
 * rarest-first skips pieces that no counted peer has.
 */
export interface PickPeer {
  /** Identifies the peer in requester lists and in `blockReceived`'s cancel list. */
  readonly key: string;
  /** Whether the peer has the piece (from its bitfield and HAVE messages). */
  has(piece: PieceIndex): boolean;
  /** The peer has every piece (a seed, or BEP 6 HAVE ALL); `has` is then not consulted. */
  readonly hasAll?: boolean;
  /**
   * The peer is choking us. Only pieces in `allowedFast` can be picked then (BEP 6: requests for
   * allowed-fast pieces are served while choked).
   */
  readonly choking?: boolean;
  /** BEP 6 allowed-fast pieces the peer granted us. */
  readonly allowedFast?: ReadonlySet<PieceIndex>;
}

/** The shape of a torrent's piece geometry, as the picker needs it: either spelling is accepted. */
export type PickerGeometry =
  | { readonly pieceCount: number; blocksInPiece(piece: PieceIndex): number }
  | { readonly pieceCount: number; blockCount(piece: PieceIndex): number };

/** What `blockReceived` tells the caller. */
export interface BlockReceivedResult {
  /**
   * False when the block was already received, written or verified, or its piece is not partial:
   * the data is a duplicate (typically the slower copy in endgame) and should be dropped.
   */
  readonly accepted: boolean;
  /** Other peers that were also asked for this block (endgame): send them CANCEL. */
  readonly cancel: readonly string[];
  /** Every block of the piece is now received or written: hash it, then `markHave` or `pieceFailed`. */
  readonly pieceComplete: boolean;
}
