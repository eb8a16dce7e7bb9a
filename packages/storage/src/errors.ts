// The one error class of this package. Every failure says what went wrong as a string-literal code the
// engine can switch on, and where: the file path and/or the piece. A hash mismatch is not an error: it
// is an expected outcome and comes back as a value (see PieceAssembler).

export type StorageErrorCode =
  /** No space left on the device (ENOSPC, EDQUOT). Free space, then restart the torrent. */
  | 'DISK_FULL'
  /** The OS refused access (EACCES, EPERM, EROFS). */
  | 'PERMISSION_DENIED'
  /** Something that must be a file is a folder, or a folder on the way is a file (EISDIR, ENOTDIR). */
  | 'NOT_A_FILE'
  /** A file the data should be in does not exist (yet): nothing was written there. */
  | 'NOT_FOUND'
  /** A piece index, offset or length outside the torrent, or a request larger than allowed. */
  | 'OUT_OF_BOUNDS'
  /** A block whose offset or size is not the one the piece geometry gives (16 KiB blocks). */
  | 'BAD_BLOCK'
  /** Reading a piece for upload that has not been verified. */
  | 'NOT_VERIFIED'
  /** Writing a piece that touches no wanted file, and has no place for its bytes. */
  | 'NOT_WANTED'
  /** A path would leave the download folder, or runs through a symbolic link. */
  | 'UNSAFE_PATH'
  /** The storage was closed, or stopped after an earlier error. */
  | 'CLOSED'
  /** The caller's AbortSignal fired; the signal's reason is the cause. */
  | 'ABORTED'
  /** Any other I/O failure; the system error is the cause. */
  | 'IO';

export interface StorageErrorDetails {
  /** The file (absolute path) the failure is about, when there is one. */
  readonly path?: string;
  /** The piece the failure is about, when there is one. */
  readonly piece?: number;
  readonly cause?: unknown;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly path: string | undefined;
  readonly piece: number | undefined;

  constructor(
    readonly code: StorageErrorCode,
    /** What went wrong, without the path and piece that `message` adds. */
    readonly reason: string,
    details: StorageErrorDetails = {},
  ) {
    super(describe(reason, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.path = details.path;
    this.piece = details.piece;
  }
}

function describe(message: string, details: StorageErrorDetails): string {
  const where = [details.path, details.piece === undefined ? undefined : `piece ${details.piece}`]
    .filter((part) => part !== undefined)
    .join(', ');
  return where === '' ? message : `${message} (${where})`;
}

/** Maps a Node system error code to the code a user can act on. */
const systemCodes: Readonly<Record<string, StorageErrorCode>> = {
  ENOSPC: 'DISK_FULL',
  EDQUOT: 'DISK_FULL',
  EACCES: 'PERMISSION_DENIED',
  EPERM: 'PERMISSION_DENIED',
  EROFS: 'PERMISSION_DENIED',
  EISDIR: 'NOT_A_FILE',
  ENOTDIR: 'NOT_A_FILE',
  ENOENT: 'NOT_FOUND',
  // O_NOFOLLOW on a symbolic link fails with ELOOP: the final component is a link.
  ELOOP: 'UNSAFE_PATH',
};

const messages: Readonly<Record<StorageErrorCode, string>> = {
  DISK_FULL: 'disk full',
  PERMISSION_DENIED: 'permission denied',
  NOT_A_FILE: 'not a regular file',
  NOT_FOUND: 'file not found',
  OUT_OF_BOUNDS: 'out of bounds',
  BAD_BLOCK: 'bad block',
  NOT_VERIFIED: 'piece not verified',
  NOT_WANTED: 'piece not wanted',
  UNSAFE_PATH: 'unsafe path',
  CLOSED: 'storage closed',
  ABORTED: 'aborted',
  IO: 'I/O error',
};

/**
 * Wraps whatever an fs call threw in a StorageError naming the path. A StorageError keeps its code and
 * path, so wrapping twice never hides the first; it only gains the piece when it had none.
 */
export function toStorageError(error: unknown, path: string | undefined, piece?: number): StorageError {
  if (error instanceof StorageError) {
    if (piece === undefined || error.piece !== undefined) return error;
    return new StorageError(error.code, error.reason, { path: error.path ?? path, piece, cause: error.cause });
  }
  const systemCode = systemCodeOf(error);
  const code = (systemCode === undefined ? undefined : systemCodes[systemCode]) ?? 'IO';
  const detail = systemCode === undefined ? '' : ` (${systemCode})`;
  return new StorageError(code, `${messages[code]}${detail}`, {
    ...(path === undefined ? {} : { path }),
    ...(piece === undefined ? {} : { piece }),
    cause: error,
  });
}

export function systemCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Throws StorageError('ABORTED') when the signal has fired; call before each step of async I/O. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new StorageError('ABORTED', 'aborted', { cause: signal.reason });
  }
}
