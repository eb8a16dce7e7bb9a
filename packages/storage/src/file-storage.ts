// Storage on the local file system. Pieces map onto the torrent's files through Layout; files are
// created lazily on first write, extended sparsely with ftruncate (no zeros written) and kept in a
// bounded pool of open handles (the storage's own, or one shared by a session's torrents).
//
// File selection: a file's bytes live in the file when it exists. A wanted file that does not exist
// yet is created by the first write into it; an unwanted one is never created, and the bytes of it
// that share a piece with a wanted file go to the side file `<dir>/.typetorrent/<infohash>.parts`
// (see layout.ts). When a file is created, its bytes already in the side file are copied in first, so
// whether a file exists is the only thing that decides where its bytes are read from, in this
// session and the next.
import path from 'node:path';
import { AdaptiveWriter } from './adaptive-writer.js';
import { StorageError, throwIfAborted, toStorageError } from './errors.js';
import { type FileSystem, type PathInfo, nodeFileSystem } from './file-system.js';
import { Layout, type Segment } from './layout.js';
import { ownOpenFiles, type OpenFilePool, type OpenFiles } from './open-files.js';
import { readFully, writeFully } from './positioned-io.js';
import { STATE_FOLDER, ensureParentFolders, resolveInside, resolveTorrentFile } from './safe-path.js';
import type { FileStamp, FlushOptions, IoOptions, SelectableStorage, StampedStorage, StorageStamps } from './storage.js';
import { fileComponents, type StorageTorrent } from './torrent.js';

export interface FileStorageOptions extends IoOptions {
  /** One flag per torrent file; all files are wanted when absent. */
  readonly wanted?: readonly boolean[];
  /** Open file handles kept at most (default 64) when no `openFilePool` is given. */
  readonly maxOpenFiles?: number;
  /**
   * A pool of handles shared with other storages (a session passes one to all its torrents), so the
   * cap holds for the process; `maxOpenFiles` is then unused. Default: a pool of this storage's own.
   */
  readonly openFilePool?: OpenFilePool;
  /** The file system to use; tests inject failures through it. */
  readonly fileSystem?: FileSystem;
}

export class FileStorage implements SelectableStorage, StampedStorage {
  readonly #torrent: StorageTorrent;
  readonly #root: string;
  readonly #paths: readonly string[];
  readonly #partsPath: string;
  readonly #layout: Layout;
  readonly #files: OpenFiles;
  readonly #fileSystem: FileSystem;
  // What only writing (or a first read) needs is made then: a seed that nobody reads from holds
  // none of these sets (issue 17: a session seeds thousands of torrents).
  #checkedFolders: Set<string> | undefined;
  #writer: AdaptiveWriter | undefined;
  #wanted: readonly boolean[];
  /** Files that exist: found at open, or created (with their side-file bytes copied in). */
  readonly #exists: boolean[];
  /**
   * Files whose folders were checked to be real folders, not links. A file found at open may sit
   * behind a linked folder (lstat follows links on the way), so it is checked before first use.
   */
  readonly #foldersChecked: boolean[];
  /** Files being created, so concurrent writes wait for one creation. */
  #creating: Map<number, Promise<void>> | undefined;
  /** Files written since the last flush (absolute paths). */
  #dirty: Set<string> | undefined;
  /** Writes into the side file in flight: a file creation waits for them before copying. */
  #partsWrites: Set<Promise<void>> | undefined;
  #writes: Set<Promise<void>> | undefined;
  #closed = false;

  private constructor(torrent: StorageTorrent, root: string, options: FileStorageOptions) {
    this.#torrent = torrent;
    this.#root = root;
    this.#fileSystem = options.fileSystem ?? nodeFileSystem;
    this.#files = options.openFilePool?.view(this.#fileSystem) ?? ownOpenFiles(this.#fileSystem, options.maxOpenFiles);
    this.#layout = new Layout(torrent);
    this.#paths = torrent.files.map((_, index) => resolveTorrentFile(root, fileComponents(torrent, index)));
    this.#partsPath = resolveInside(root, [STATE_FOLDER, `${torrent.infoHashHex}.parts`]);
    this.#wanted = checkFlags(options.wanted, torrent.files.length);
    this.#exists = torrent.files.map(() => false);
    this.#foldersChecked = torrent.files.map(() => false);
  }

  /** Opens storage for a torrent below `directory` (created when missing); looks at which files exist. */
  static async open(torrent: StorageTorrent, directory: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    const root = path.resolve(directory);
    const storage = new FileStorage(torrent, root, options);
    try {
      await storage.#fileSystem.mkdirs(root);
    } catch (error) {
      throw toStorageError(error, root);
    }
    for (const [index, filePath] of storage.#paths.entries()) {
      throwIfAborted(options.signal);
      // Anything at the path counts, a folder or a link included: reads and writes then go there
      // and fail with NOT_A_FILE or UNSAFE_PATH, which tells the user what to fix.
      storage.#exists[index] = (await storage.#lstat(filePath)) !== undefined;
    }
    return storage;
  }

  /** The absolute path of a torrent file. */
  pathOf(fileIndex: number): string {
    const found = this.#paths[fileIndex];
    if (found === undefined) throw new StorageError('OUT_OF_BOUNDS', `no file ${fileIndex}`);
    return found;
  }

  /** The side file for bytes of unwanted files. */
  get partsPath(): string {
    return this.#partsPath;
  }

  async read(piece: number, begin: number, into: Uint8Array, options: IoOptions = {}): Promise<Uint8Array> {
    this.#checkOpen();
    const segments = this.#layout.segments(piece, begin, into.length, (file) => this.#exists[file] === true);
    await allSegments(segments.map((segment) => this.#readSegment(piece, begin, segment, into, options.signal)));
    return into;
  }

  async write(piece: number, begin: number, data: Uint8Array, options: IoOptions = {}): Promise<void> {
    this.#checkOpen();
    const writing = this.#write(piece, begin, data, options.signal);
    const writes = (this.#writes ??= new Set());
    writes.add(writing);
    try {
      await writing;
    } finally {
      writes.delete(writing);
    }
  }

  async flush(options: FlushOptions = {}): Promise<void> {
    this.#checkOpen();
    await this.#flush(options.signal, options.sync ?? true, options.all ?? false);
  }

  async close(options: FlushOptions = {}): Promise<void> {
    if (this.#closed) return;
    try {
      await Promise.allSettled(this.#writes ?? []);
      await this.#flush(options.signal, options.sync ?? true, options.all ?? false);
    } finally {
      this.#closed = true;
      await this.#files.closeAll();
    }
  }

  async setWanted(wanted: readonly boolean[], options: IoOptions = {}): Promise<void> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    this.#wanted = checkFlags(wanted, this.#torrent.files.length);
  }

  async stamps(options: IoOptions = {}): Promise<StorageStamps> {
    this.#checkOpen();
    const files: (FileStamp | undefined)[] = [];
    for (const filePath of this.#paths) files.push(await this.#stamp(filePath, options.signal));
    return {
      files,
      parts: await this.#stamp(this.#partsPath, options.signal),
      partsPieces: this.#layout.straddlingPieces,
    };
  }

  #checkOpen(): void {
    if (this.#closed) throw new StorageError('CLOSED', 'storage is closed', { path: this.#root });
  }

  async #stamp(filePath: string, signal: AbortSignal | undefined): Promise<FileStamp | undefined> {
    throwIfAborted(signal);
    const info = await this.#lstat(filePath);
    return info?.kind === 'file' ? { size: info.size, mtimeUs: info.mtimeUs } : undefined;
  }

  async #lstat(filePath: string): Promise<PathInfo | undefined> {
    try {
      return await this.#fileSystem.lstat(filePath);
    } catch (error) {
      throw toStorageError(error, filePath);
    }
  }

  async #createEmptyFiles(signal: AbortSignal | undefined): Promise<void> {
    for (const [index, file] of this.#torrent.files.entries()) {
      if (file.length === 0 && !file.padding && this.#wanted[index] === true && this.#exists[index] !== true) {
        throwIfAborted(signal);
        await this.#ensureCreated(index);
      }
    }
  }

  async #write(piece: number, begin: number, data: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    // Bytes of a wanted file go to the file even before it exists: writing creates it.
    const segments = this.#layout.segments(piece, begin, data.length, (file) => this.#exists[file] === true || this.#wanted[file] === true);
    const nowhere = segments.find((segment) => segment.kind === 'nowhere');
    if (nowhere !== undefined) {
      throw new StorageError('NOT_WANTED', `file ${nowhere.fileIndex} is not wanted and the piece has no side slot`, {
        path: this.pathOf(nowhere.fileIndex),
        piece,
      });
    }
    await allSegments(
      segments.map((segment) => {
        const writing = this.#writeSegment(piece, begin, segment, data, signal);
        // Registered in the same tick the route was chosen, so a creation never misses it.
        if (segment.kind === 'parts') {
          const partsWrites = (this.#partsWrites ??= new Set());
          partsWrites.add(writing);
          void writing.finally(() => partsWrites.delete(writing)).catch(() => undefined);
        }
        return writing;
      }),
    );
  }

  async #writeSegment(piece: number, begin: number, segment: Segment, data: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    // Padding (BEP 47) is zeros by definition and never stored; 'nowhere' was refused before.
    if (segment.kind === 'zero' || segment.kind === 'nowhere') return;
    throwIfAborted(signal);
    const bytes = data.subarray(segment.pieceOffset - begin, segment.pieceOffset - begin + segment.length);
    const target = this.#target(segment);
    try {
      if (segment.kind === 'file') {
        if (this.#exists[segment.fileIndex] !== true) await this.#ensureCreated(segment.fileIndex);
        else await this.#checkFolders(segment.fileIndex);
      }
      if (segment.kind === 'parts') await ensureParentFolders(this.#fileSystem, this.#root, target.path, (this.#checkedFolders ??= new Set()));
      await this.#files.use(target.path, 'write', async (handle) => {
        // Marked dirty once open and before the write starts, so a flush that overlaps it still fsyncs
        // this file (and a file that cannot be opened does not make every later flush fail).
        (this.#dirty ??= new Set()).add(target.path);
        await (this.#writer ??= new AdaptiveWriter()).write(handle, bytes, target.position);
      }, target.size);
    } catch (error) {
      throw toStorageError(error, target.path, piece);
    }
  }

  async #readSegment(piece: number, begin: number, segment: Segment, into: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    const bytes = into.subarray(segment.pieceOffset - begin, segment.pieceOffset - begin + segment.length);
    if (segment.kind === 'zero') {
      bytes.fill(0);
      return;
    }
    if (segment.kind === 'nowhere') {
      throw new StorageError('NOT_FOUND', 'the file does not exist', { path: this.pathOf(segment.fileIndex), piece });
    }
    throwIfAborted(signal);
    const target = this.#target(segment);
    let read: number;
    try {
      if (segment.kind === 'file') await this.#checkFolders(segment.fileIndex);
      read = await this.#files.use(target.path, 'read', (handle) => readFully(handle, bytes, target.position));
    } catch (error) {
      throw toStorageError(error, target.path, piece);
    }
    if (read < bytes.length) {
      throw new StorageError('NOT_FOUND', 'the file is shorter than the torrent says', { path: target.path, piece });
    }
  }

  /** Where a stored segment's bytes are: file path, position in it, and the size it should have. */
  #target(segment: Extract<Segment, { kind: 'file' | 'parts' }>): { path: string; position: number; size: number } {
    if (segment.kind === 'file') {
      const size = this.#torrent.files[segment.fileIndex]?.length ?? 0;
      return { path: this.pathOf(segment.fileIndex), position: segment.fileOffset, size };
    }
    return { path: this.#partsPath, position: segment.partsOffset, size: 0 };
  }

  async #flush(signal: AbortSignal | undefined, sync: boolean, all: boolean): Promise<void> {
    // No write ever creates a zero-length file, so the flush does: late enough that a selection set
    // just after open (see PieceStore) is already in force.
    await this.#createEmptyFiles(signal);
    if (!sync) return;
    if (all) {
      for (const [index, filePath] of this.#paths.entries()) if (this.#exists[index] === true) (this.#dirty ??= new Set()).add(filePath);
      if ((await this.#lstat(this.#partsPath))?.kind === 'file') (this.#dirty ??= new Set()).add(this.#partsPath);
    }
    // Take the set first: a write that starts during the flush marks its file again and is synced by
    // the next flush, never forgotten.
    const dirty = this.#dirty;
    this.#dirty = undefined;
    const remaining = [...(dirty ?? [])];
    try {
      while (remaining.length > 0) {
        throwIfAborted(signal);
        const filePath = remaining[0]!;
        await this.#files.use(filePath, 'write', (handle) => handle.sync()).catch((error: unknown) => {
          throw toStorageError(error, filePath);
        });
        remaining.shift();
      }
    } finally {
      for (const filePath of remaining) (this.#dirty ??= new Set()).add(filePath);
    }
  }

  /** Refuses (UNSAFE_PATH) a file whose folders below the root include a symbolic link. */
  async #checkFolders(fileIndex: number): Promise<void> {
    if (this.#foldersChecked[fileIndex] === true) return;
    await ensureParentFolders(this.#fileSystem, this.#root, this.pathOf(fileIndex), (this.#checkedFolders ??= new Set()));
    this.#foldersChecked[fileIndex] = true;
  }

  #ensureCreated(fileIndex: number): Promise<void> {
    const all = (this.#creating ??= new Map());
    let creating = all.get(fileIndex);
    if (creating === undefined) {
      creating = this.#create(fileIndex).finally(() => all.delete(fileIndex));
      all.set(fileIndex, creating);
    }
    return creating;
  }

  /**
   * Creates a file (sparse, at its full size, with its folders) and copies in its bytes kept in the
   * side file: only a file's first and last piece can straddle. The file counts as existing only once
   * the copy is fsynced, so until then reads still go to the side file. Whatever a slot holds is
   * copied, verified or not: a piece's verification never depends on where its bytes sit.
   */
  async #create(fileIndex: number): Promise<void> {
    const filePath = this.pathOf(fileIndex);
    try {
      await this.#createAndCopy(fileIndex, filePath);
    } catch (error) {
      throw toStorageError(error, filePath);
    }
  }

  async #createAndCopy(fileIndex: number, filePath: string): Promise<void> {
    const size = this.#torrent.files[fileIndex]?.length ?? 0;
    await this.#checkFolders(fileIndex);
    await Promise.allSettled(this.#partsWrites ?? []);
    await this.#files.use(filePath, 'write', async () => undefined, size);
    const range = this.#torrent.geometry.piecesOfFile(fileIndex);
    const pieces = range === undefined ? [] : [...new Set([range.first, range.last])];
    let copied = false;
    for (const piece of pieces) {
      const slot = this.#layout.slotOf(piece);
      if (slot === undefined) continue;
      for (const slice of this.#torrent.geometry.fileSlices(piece)) {
        if (slice.fileIndex !== fileIndex) continue;
        const bytes = await this.#readParts(slot * this.#torrent.geometry.pieceLength + slice.pieceOffset, slice.length);
        if (bytes === undefined) continue;
        await this.#files.use(filePath, 'write', (handle) => writeFully(handle, bytes, slice.fileOffset));
        copied = true;
      }
    }
    if (copied) await this.#files.use(filePath, 'write', (handle) => handle.sync());
    (this.#dirty ??= new Set()).add(filePath);
    this.#exists[fileIndex] = true;
  }

  /** Bytes of the side file, or undefined when it does not hold them (missing, or too short). */
  async #readParts(position: number, length: number): Promise<Uint8Array | undefined> {
    const bytes = new Uint8Array(length);
    try {
      const read = await this.#files.use(this.#partsPath, 'read', (handle) => readFully(handle, bytes, position));
      return read === length ? bytes : undefined;
    } catch (error) {
      const failure = toStorageError(error, this.#partsPath);
      if (failure.code === 'NOT_FOUND') return undefined;
      throw failure;
    }
  }
}

/**
 * Waits for every segment, then throws the first failure. Promise.all would return at the first
 * failure while other segments still read into (or write from) the caller's buffer, which the caller
 * may already be reusing for another piece.
 */
async function allSegments(operations: readonly Promise<void>[]): Promise<void> {
  const outcomes = await Promise.allSettled(operations);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}

function checkFlags(flags: readonly boolean[] | undefined, fileCount: number): boolean[] {
  if (flags === undefined) return new Array<boolean>(fileCount).fill(true);
  if (flags.length !== fileCount) {
    throw new StorageError('OUT_OF_BOUNDS', `expected ${fileCount} wanted flags, got ${flags.length}`);
  }
  return [...flags];
}
