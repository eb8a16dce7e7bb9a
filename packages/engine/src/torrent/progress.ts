// Byte counts behind the progress event: verified, wanted and left, kept up to date piece by piece
// (a full recount is O(pieces) and runs only when the data is opened or priorities change). They
// stay right after the data closes (stopped, or a download queued without its data) until the
// file priorities change while it is closed.
import type { PieceGeometry } from '@typetorrent/metainfo';
import type { PiecePicker } from '../picker/piece-picker.js';
import type { Peer } from './peer.js';
import type { TorrentProgress, TorrentState } from './types.js';

export class ByteCounts {
  verifiedBytes = 0;
  verifiedPieces = 0;
  wantedBytes = 0;
  leftBytes = 0;
  /** Counted from the picker at least once, with no file priority changed since. */
  known = false;

  recount(picker: PiecePicker, geometry: PieceGeometry): void {
    this.verifiedBytes = this.verifiedPieces = this.wantedBytes = this.leftBytes = 0;
    this.known = true;
    for (let piece = 0; piece < geometry.pieceCount; piece++) {
      const size = geometry.pieceSize(piece);
      const have = picker.has(piece);
      const wanted = picker.piecePriority(piece) > 0;
      if (have) {
        this.verifiedBytes += size;
        this.verifiedPieces++;
      }
      if (wanted || have) this.wantedBytes += size;
      if (wanted && !have) this.leftBytes += size;
    }
  }

  /**
   * Wanted and left from the file priorities alone, while the data is closed and was not counted
   * with them (never opened, or priorities changed since): exact for data never opened (nothing is
   * verified then), otherwise the verified bytes are taken as wanted ones until the data opens.
   */
  estimate(piecePriorities: ArrayLike<number>, geometry: PieceGeometry): void {
    this.wantedBytes = 0;
    for (let piece = 0; piece < geometry.pieceCount; piece++) if ((piecePriorities[piece] ?? 0) > 0) this.wantedBytes += geometry.pieceSize(piece);
    this.leftBytes = Math.max(0, this.wantedBytes - this.verifiedBytes);
    this.known = true;
  }

  verified(piece: number, picker: PiecePicker, geometry: PieceGeometry): void {
    const size = geometry.pieceSize(piece);
    this.verifiedBytes += size;
    this.verifiedPieces++;
    if (picker.piecePriority(piece) > 0) this.leftBytes = Math.max(0, this.leftBytes - size);
    else this.wantedBytes += size;
  }
}

/** Seconds to download `left` bytes at `rate` bytes/s; undefined when it cannot be told. */
export function eta(left: number, rate: number): number | undefined {
  if (left === 0) return 0;
  if (!(rate > 0)) return undefined;
  return Math.ceil(left / rate);
}

/** What the running transfer contributes (undefined while there is none). */
export interface TransferFigures {
  readonly active: boolean;
  readonly downloaded: number;
  readonly uploaded: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
}

export interface ProgressInput {
  readonly state: TorrentState;
  readonly transfer: TransferFigures | undefined;
  readonly peers: Iterable<Peer>;
  readonly counts: ByteCounts;
  /** The counts are exact (the data is open, or was, with the same file priorities); otherwise everything not verified counts as left. */
  readonly opened: boolean;
  /** 0 until the metadata of a magnet link is known. */
  readonly totalBytes: number;
  readonly pieceCount: number;
  readonly finished: boolean;
  /** Payload totals of earlier runtimes. */
  readonly downloadedBefore: number;
  readonly uploadedBefore: number;
  readonly checked: { readonly pieces: number; readonly of: number } | undefined;
}

export function buildProgress(input: ProgressInput): TorrentProgress {
  const { transfer, counts, state } = input;
  const downloaded = input.downloadedBefore + (transfer?.downloaded ?? 0);
  const uploaded = input.uploadedBefore + (transfer?.uploaded ?? 0);
  const running = transfer?.active === true;
  const downloadRate = running ? transfer.downloadRate : 0;
  let seeds = 0;
  let peers = 0;
  for (const peer of input.peers) {
    peers++;
    if (peer.isSeed) seeds++;
  }
  const leftBytes = input.opened ? counts.leftBytes : input.totalBytes - counts.verifiedBytes;
  return {
    state,
    downloaded,
    uploaded,
    verifiedBytes: counts.verifiedBytes,
    totalBytes: input.totalBytes,
    wantedBytes: input.opened ? counts.wantedBytes : input.totalBytes,
    leftBytes,
    verifiedPieces: counts.verifiedPieces,
    pieceCount: input.pieceCount,
    downloadRate,
    uploadRate: running ? transfer.uploadRate : 0,
    peers,
    seeds,
    eta: state === 'downloading' ? eta(leftBytes, downloadRate) : input.finished ? 0 : undefined,
    ratio: downloaded === 0 ? 0 : uploaded / downloaded,
    ...(state === 'checking' && input.checked !== undefined ? { checked: { ...input.checked } } : {}),
  };
}
