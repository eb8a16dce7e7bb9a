// Choosing a piece length for a new torrent. Small pieces make the info dict (20 bytes per piece)
// and the have-bitfield large; big pieces waste more on every failed hash check. Aiming for roughly
// 1000-2000 pieces with a power of two between 16 KiB and 16 MiB is what mktorrent, libtorrent and
// most creators converge on.

export const MIN_AUTO_PIECE_LENGTH = 16 * 1024;
export const MAX_AUTO_PIECE_LENGTH = 16 * 1024 * 1024;
const TARGET_MAX_PIECES = 2000;

/** The smallest power of two in 16 KiB..16 MiB giving at most ~2000 pieces for totalLength bytes. */
export function autoPieceLength(totalLength: number): number {
  let length = MIN_AUTO_PIECE_LENGTH;
  while (length < MAX_AUTO_PIECE_LENGTH && Math.ceil(totalLength / length) > TARGET_MAX_PIECES) length *= 2;
  return length;
}

/** True for a power of two of at least 16 KiB: what every client (and BEP 52) accepts. */
export function isStandardPieceLength(length: number): boolean {
  return Number.isSafeInteger(length) && length >= MIN_AUTO_PIECE_LENGTH && Number.isInteger(Math.log2(length));
}
