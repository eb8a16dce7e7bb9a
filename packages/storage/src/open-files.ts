// A bounded LRU pool of open file handles. Torrents can hold tens of thousands of files and a session
// thousands of torrents; keeping them all open would run out of descriptors, opening one per block
// would cost a syscall pair each time. One pool can serve many storages (a session shares one across
// its torrents), each through its own `OpenFiles` view, so the cap holds for the whole process.
// Handles in use are never closed under a caller: eviction and retirement wait for the last user.
import { StorageError, toStorageError } from './errors.js';
import type { FileHandleLike, FileSystem, OpenMode } from './file-system.js';

/** Handles a storage keeps when it has a pool of its own. */
export const DEFAULT_MAX_OPEN_FILES = 64;
/** Handles a shared pool keeps across all its storages. */
export const DEFAULT_POOL_CAPACITY = 256;
/**
 * Idle handles opened only for reading that a shared pool keeps. A seeding torrent only reads, so its
 * files are open while read and shortly after: a handful stay for the next request to the same file
 * (a peer asks for the next blocks of a piece), the rest close. 1,000 idle seeds hold 8 handles.
 */
export const DEFAULT_MAX_IDLE_READ_FILES = 8;

export interface OpenFilePoolOptions {
  /** Open handles at most (default 256); busy handles may exceed it briefly rather than block. */
  readonly capacity?: number;
  /** Idle read-only handles kept at most (default 8, capped by `capacity`; 0: closed after each read). */
  readonly maxIdleReadFiles?: number;
}

/** One storage's view of a pool: the handles it opened, closed together when the storage closes. */
export interface OpenFiles {
  /**
   * Runs `body` with an open handle for `path`. In 'write' mode a missing file is created and, when
   * shorter than `size`, extended with ftruncate: sparse, no zeros written. A failure to open is
   * thrown as a StorageError naming the path; the body's own errors pass through as they are.
   */
  use<T>(path: string, mode: OpenMode, body: (handle: FileHandleLike) => Promise<T>, size?: number): Promise<T>;
  /** Closes this view's handles (waiting for their users); other views' stay open. */
  closeAll(): Promise<void>;
  /** Handles of this view open or opening. */
  readonly size: number;
}

interface Scope {
  readonly id: number;
  readonly fileSystem: FileSystem;
  readonly closing: Set<Promise<void>>;
  size: number;
}

interface Entry {
  readonly key: string;
  readonly path: string;
  readonly scope: Scope;
  readonly writable: boolean;
  readonly handle: Promise<FileHandleLike>;
  /** Calls currently using the handle. */
  refs: number;
  /** Out of the pool: close once refs reaches 0. */
  retired: boolean;
}

export class OpenFilePool {
  readonly capacity: number;
  readonly maxIdleReadFiles: number;
  /** Map order is use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  /** Idle handles opened for reading only, in the order they became idle. */
  readonly #idleReads = new Map<string, Entry>();
  #nextScope = 0;

  constructor(options: OpenFilePoolOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_POOL_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    const idle = options.maxIdleReadFiles ?? DEFAULT_MAX_IDLE_READ_FILES;
    if (!Number.isInteger(idle) || idle < 0) throw new RangeError(`maxIdleReadFiles must be at least 0, got ${idle}`);
    this.capacity = capacity;
    this.maxIdleReadFiles = Math.min(idle, capacity);
  }

  /** Handles open or opening across every view. */
  get size(): number {
    return this.#entries.size;
  }

  /** A view for one storage; its paths are its own (two views never share a handle). */
  view(fileSystem: FileSystem): OpenFiles {
    const scope: Scope = { id: this.#nextScope++, fileSystem, closing: new Set(), size: 0 };
    // Arrow functions inside the class body may use the pool's private members.
    return {
      use: async (path, mode, body, size = 0) => await this.#use(scope, path, mode, body, size),
      closeAll: async () => await this.#closeScope(scope),
      get size() {
        return scope.size;
      },
    };
  }

  async #use<T>(scope: Scope, path: string, mode: OpenMode, body: (handle: FileHandleLike) => Promise<T>, size: number): Promise<T> {
    const key = `${scope.id}:${path}`;
    let entry = this.#entries.get(key);
    if (entry !== undefined && mode === 'write' && !entry.writable) {
      this.#retire(entry);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = this.#open(scope, key, path, mode, size);
    } else {
      this.#entries.delete(key);
      this.#idleReads.delete(key);
    }
    this.#entries.set(key, entry);
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
      this.#release(entry);
    }
  }

  async #closeScope(scope: Scope): Promise<void> {
    for (const entry of [...this.#entries.values()]) if (entry.scope === scope) this.#retire(entry);
    while (scope.closing.size > 0) await Promise.all(scope.closing);
  }

  #open(scope: Scope, key: string, path: string, mode: OpenMode, size: number): Entry {
    const handle = (async () => {
      const { handle, info } = await scope.fileSystem.open(path, mode);
      try {
        if (info.kind !== 'file') throw new StorageError('NOT_A_FILE', 'expected a regular file', { path });
        if (mode === 'write' && info.size < size) await handle.truncate(size);
        return handle;
      } catch (error) {
        await handle.close();
        throw error;
      }
    })();
    const entry: Entry = { key, path, scope, writable: mode === 'write', handle, refs: 0, retired: false };
    scope.size++;
    // A failed open must not stay pooled: the next call tries again (the user may have fixed it).
    handle.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
      this.#idleReads.delete(key);
      if (!entry.retired) scope.size--;
      entry.retired = true;
    });
    return entry;
  }

  #release(entry: Entry): void {
    entry.refs--;
    if (entry.refs > 0) return;
    if (entry.retired) {
      this.#close(entry);
      return;
    }
    if (entry.writable) return;
    this.#idleReads.set(entry.key, entry);
    for (const idle of this.#idleReads.values()) {
      if (this.#idleReads.size <= this.maxIdleReadFiles) return;
      this.#retire(idle);
    }
  }

  #evict(): void {
    for (const entry of this.#entries.values()) {
      if (this.#entries.size <= this.capacity) return;
      // Busy handles stay open: the pool may briefly exceed its capacity rather than block.
      if (entry.refs === 0) this.#retire(entry);
    }
  }

  #retire(entry: Entry): void {
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    this.#idleReads.delete(entry.key);
    if (entry.retired) return;
    entry.retired = true;
    entry.scope.size--;
    if (entry.refs === 0) this.#close(entry);
  }

  #close(entry: Entry): void {
    // Close errors are dropped on purpose: data durability comes from flush()'s fsync, which reopens
    // the file if needed, not from close.
    const closing = entry.handle.then(
      (handle) => handle.close(),
      () => undefined,
    ).catch(() => undefined);
    const { closing: set } = entry.scope;
    set.add(closing);
    void closing.finally(() => set.delete(closing));
  }
}

/** A pool of one storage's own (the behaviour without a shared pool): plain LRU of `capacity` handles. */
export function ownOpenFiles(fileSystem: FileSystem, capacity: number = DEFAULT_MAX_OPEN_FILES): OpenFiles {
  return new OpenFilePool({ capacity, maxIdleReadFiles: capacity }).view(fileSystem);
}
