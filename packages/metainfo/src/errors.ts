// The one error class of this package. Every failure names the field that caused it, as a path into
// the torrent ('info.files[3].path[1]', 'announce-list[0][2]') or a magnet parameter ('xt'), so a
// user sees exactly what is wrong with a file they did not write.

export type MetainfoErrorCode =
  /** The bytes are not valid bencode (the bencode error is the `cause`). */
  | 'NOT_BENCODE'
  /** A required key is absent. */
  | 'MISSING_FIELD'
  /** A key holds the wrong bencode type (a list where a string belongs, and so on). */
  | 'WRONG_TYPE'
  /** `length` and `files` are both present (BEP 3: exactly one of them). */
  | 'CONFLICTING_FIELDS'
  /** A file length is negative or not a safe integer. */
  | 'BAD_LENGTH'
  /** The sum of file lengths exceeds Number.MAX_SAFE_INTEGER. */
  | 'TOTAL_TOO_LARGE'
  /** The torrent holds no data at all (total length 0, or an empty `files` list). */
  | 'EMPTY_TORRENT'
  /** `piece length` is zero, negative, not an integer, or above the configured cap. */
  | 'BAD_PIECE_LENGTH'
  /** `pieces` is not a multiple of 20 bytes long. */
  | 'BAD_PIECES_LENGTH'
  /** The number of piece hashes does not match ceil(total length / piece length). */
  | 'PIECE_COUNT_MISMATCH'
  /** More files than the configured cap. */
  | 'TOO_MANY_FILES'
  /** More `announce-list` tiers, or tracker URLs across them, than the configured cap. */
  | 'TOO_MANY_TRACKERS'
  /** More `url-list` entries (BEP 19 web seeds) than the configured cap. */
  | 'TOO_MANY_WEB_SEEDS'
  /** A name or path component could escape the download folder (see README: path safety). */
  | 'UNSAFE_PATH'
  /** Two files would be written to the same place. */
  | 'DUPLICATE_PATH'
  /** A file's path is also used as a folder by another file (`a/b` and `a/b/c`). */
  | 'PATH_CONFLICT'
  /** A pure BitTorrent v2 torrent or magnet (BEP 52): this package reads v1 and hybrid only. */
  | 'V2_NOT_SUPPORTED'
  /** `meta version` is neither 1 nor 2. */
  | 'BAD_META_VERSION'
  /** A magnet URI is malformed or has no usable `xt`. */
  | 'BAD_MAGNET'
  /** An info-hash is not 40 hex characters (or 32 base32 characters in a magnet). */
  | 'BAD_INFO_HASH'
  /** A .torrent file is larger than the size limit given to readTorrentFile. */
  | 'TOO_LARGE'
  /** A source handed to createTorrent is unusable (no files, a file that changed while hashing). */
  | 'BAD_SOURCE'
  /** An option passed to createTorrent is out of range. */
  | 'BAD_OPTION'
  /** A compact peer list (BEP 23/7) is not a whole number of 6- or 18-byte entries. */
  | 'BAD_PEER_LIST'
  /** A peer handed to a compact encoder has a host that is not an IP of the list's family, or a bad port. */
  | 'BAD_PEER_ADDRESS';

export class MetainfoError extends Error {
  override readonly name = 'MetainfoError';

  constructor(
    readonly code: MetainfoErrorCode,
    /** Where the problem is: a path into the torrent ('info.piece length') or a magnet parameter. */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(field === '' ? message : `${field}: ${message}`, options);
  }
}

/** Something odd but harmless that parsing worked around; the torrent is still usable. */
export interface MetainfoWarning {
  readonly code: 'INVALID_UTF8' | 'RENAMED_PATH' | 'IGNORED_FIELD' | 'TRAILING_DATA';
  readonly field: string;
  readonly message: string;
}
