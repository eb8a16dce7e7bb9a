// A bounded LRU cache of open file handles. Torrents can hold tens of thousands of files; keeping them
// all open would run out of descriptors, opening one per block would cost a syscall pair each time.
// Handles in use are never closed under a caller: eviction and retirement wait for the last user.
import { StorageError, toStorageError } from './errors.js';
import type { FileHandleLike, FileSystem, OpenMode } from './file-system.js';

export const DEFAULT_MAX_OPEN_FILES = 64;

interface Entry {
  readonly path: string;
  readonly writable: boolean;
  readonly handle: Promise<FileHandleLike>;
  /** Calls currently using the handle. */
  refs: number;
  /** Out of the cache: close once refs reaches 0. */
  retired: boolean;
}

export class OpenFiles {
  /** Map order is use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  readonly #closing = new Set<Promise<void>>();

  constructor(
    readonly fileSystem: FileSystem,
    readonly capacity: number = DEFAULT_MAX_OPEN_FILES,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Runs `body` with an open handle for `path`. In 'write' mode a missing file is created and, when
   * shorter than `size`, extended with ftruncate: sparse, no zeros written. A failure to open is
   * thrown as a StorageError naming the path; the body's own errors pass through as they are.
   */
  async use<T>(path: string, mode: OpenMode, body: (handle: FileHandleLike) => Promise<T>, size = 0): Promise<T> {
    let entry = this.#entries.get(path);
    if (entry !== undefined && mode === 'write' && !entry.writable) {
      this.#retire(entry);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = this.#open(path, mode, size);
    } else {
      this.#entries.delete(path);
    }
    this.#entries.set(path, entry);
    entry.refs++;
    this.#evict();
    try {
      let handle: FileHandleLike;
      try {
        handle = await entry.handle;
      } catch (error) {
        throw toStorageError(error, path);
      }
      // Errors of the body are the caller's to wrap: it knows the piece as well as the path.
      return await body(handle);
    } finally {
      entry.refs--;
      if (entry.retired && entry.refs === 0) this.#close(entry);
    }
  }

  /** Closes every handle (waiting for their users) and empties the cache. */
  async closeAll(): Promise<void> {
    for (const entry of [...this.#entries.values()]) this.#retire(entry);
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  #open(path: string, mode: OpenMode, size: number): Entry {
    const handle = (async () => {
      const { handle, info } = await this.fileSystem.open(path, mode);
      try {
        if (info.kind !== 'file') throw new StorageError('NOT_A_FILE', 'expected a regular file', { path });
        if (mode === 'write' && info.size < size) await handle.truncate(size);
        return handle;
      } catch (error) {
        await handle.close();
        throw error;
      }
    })();
    const entry: Entry = { path, writable: mode === 'write', handle, refs: 0, retired: false };
    // A failed open must not stay cached: the next call tries again (the user may have fixed it).
    handle.catch(() => {
      if (this.#entries.get(path) === entry) this.#entries.delete(path);
      entry.retired = true;
    });
    return entry;
  }

  #evict(): void {
    for (const entry of this.#entries.values()) {
      if (this.#entries.size <= this.capacity) return;
      // Busy handles stay open: the cache may briefly exceed its capacity rather than block.
      if (entry.refs === 0) this.#retire(entry);
    }
  }

  #retire(entry: Entry): void {
    if (this.#entries.get(entry.path) === entry) this.#entries.delete(entry.path);
    entry.retired = true;
    if (entry.refs === 0) this.#close(entry);
  }

  #close(entry: Entry): void {
    // Close errors are dropped on purpose: data durability comes from flush()'s fsync, which reopens
    // the file if needed, not from close.
    const closing = entry.handle.then(
      (handle) => handle.close(),
      () => undefined,
    ).catch(() => undefined);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }
}
