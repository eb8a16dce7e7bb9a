// The storage interface: where verified piece data lives. Small on purpose (anacrolix/torrent's is
// under 100 lines): positioned reads and writes addressed by piece and offset, flush and close.
// Optional abilities (file selection, file stamps for resume data) are separate small interfaces that
// callers detect with the type guards below, so a test double only implements what it needs.
import type { StorageTorrent } from './torrent.js';

/** Every async call takes an AbortSignal; it is checked between I/O steps (a syscall cannot be interrupted). */
export interface IoOptions {
  readonly signal?: AbortSignal;
}

/** Options of flush and close. */
export interface FlushOptions extends IoOptions {
  /**
   * false: finish pending work (files still to create) but skip the fsync. Written bytes then survive
   * a crash of this process (the OS page cache holds them), not a crash of the OS. Default true.
   */
  readonly sync?: boolean;
  /**
   * With sync: fsync every file that exists, not only those written through this storage since the
   * last flush: bytes an earlier process wrote may still be in the page cache only.
   */
  readonly all?: boolean;
}

export interface Storage {
  /**
   * Fills `into` with the bytes at [begin, begin + into.length) of a piece and returns it. Padding
   * files (BEP 47) read as zeros. Rejects with StorageError NOT_FOUND where nothing was ever written.
   * Every byte of `into` must be written or the read must reject: the engine reads uploads into
   * buffers it does not zero first (pooled ones among them), so a byte left alone would go to a peer.
   */
  read(piece: number, begin: number, into: Uint8Array, options?: IoOptions): Promise<Uint8Array>;
  /** Writes bytes at `begin` of a piece. The data is not durable until flush() resolves. */
  write(piece: number, begin: number, data: Uint8Array, options?: IoOptions): Promise<void>;
  /** Makes every completed write durable (fsync; see FlushOptions.sync). */
  flush(options?: FlushOptions): Promise<void>;
  /** Flushes and releases resources; later calls reject with StorageError CLOSED. */
  close(options?: FlushOptions): Promise<void>;
}

/** A storage that puts only wanted files' bytes where the user sees them (see FileStorage). */
export interface SelectableStorage extends Storage {
  /** Sets which files are wanted, one flag per torrent file. Unwanted files are never created. */
  setWanted(wanted: readonly boolean[], options?: IoOptions): Promise<void>;
}

/** Size and modification time of one file, as recorded in resume data. */
export interface FileStamp {
  readonly size: number;
  /** Modification time in whole microseconds since the epoch. */
  readonly mtimeUs: number;
}

/** The current stamps of every torrent file (undefined: the file does not exist) and of any side file. */
export interface StorageStamps {
  readonly files: readonly (FileStamp | undefined)[];
  /** The side file holding bytes of unwanted files (undefined: absent). */
  readonly parts: FileStamp | undefined;
  /** Pieces with bytes in the side file: they are rechecked when it changed. */
  readonly partsPieces: readonly number[];
}

/** A storage whose files can be stamped, which is what makes fast resume possible. */
export interface StampedStorage extends Storage {
  stamps(options?: IoOptions): Promise<StorageStamps>;
}

export function isSelectable(storage: Storage): storage is SelectableStorage {
  return 'setWanted' in storage && typeof storage.setWanted === 'function';
}

export function isStamped(storage: Storage): storage is StampedStorage {
  return 'stamps' in storage && typeof storage.stamps === 'function';
}

/** Creates a storage for a torrent: lets a session open one per torrent without knowing the kind. */
export type StorageFactory = (torrent: StorageTorrent, options?: IoOptions) => Promise<Storage>;
