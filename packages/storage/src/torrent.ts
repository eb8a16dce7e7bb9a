// What storage needs to know about a torrent. A parsed Metainfo from @typetorrent/metainfo satisfies
// it as it is; tests and other callers can build one from a PieceGeometry and their own hashes.
import type { PieceGeometry, TorrentFile } from '@typetorrent/metainfo';

export interface StorageTorrent {
  readonly infoHash: Uint8Array;
  /** 40 lowercase hex characters; names the resume and side files. */
  readonly infoHashHex: string;
  /** The torrent's name: the file name (single-file) or the top folder (multi-file). */
  readonly name: string;
  readonly isMultiFile: boolean;
  /** Files in torrent order; `padding` marks BEP 47 padding files, which are never written. */
  readonly files: readonly TorrentFile[];
  readonly geometry: PieceGeometry;
  /** The 20-byte SHA-1 of a piece, from the torrent's `pieces`. */
  pieceHash(piece: number): Uint8Array;
}

/**
 * The path components of a file below the download folder. Multi-file torrents live in a folder named
 * after the torrent; a single-file torrent's only file is already named [name].
 */
export function fileComponents(torrent: StorageTorrent, fileIndex: number): readonly string[] {
  const file = torrent.files[fileIndex];
  if (file === undefined) throw new RangeError(`no file ${fileIndex}`);
  return torrent.isMultiFile ? [torrent.name, ...file.path] : file.path;
}
