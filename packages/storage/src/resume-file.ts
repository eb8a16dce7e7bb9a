// Where resume data is kept: `<dir>/.typetorrent/<infohash>.resume` beside the data, or
// `<dir>/<infohash>.resume` in a state folder of the application's own (`placement: 'directory'`,
// e.g. $XDG_STATE_HOME/typetorrent/resume, so the user's data folder gets nothing). Written atomically (temp file,
// fsync, rename, fsync of the folder), so after a crash the file is either the old record or the new
// one, never a torn mix.
import path from 'node:path';
import { StorageError, throwIfAborted, toStorageError } from './errors.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { readFully, writeFully } from './positioned-io.js';
import { STATE_FOLDER, ensureParentFolders, resolveInside } from './safe-path.js';
import type { IoOptions } from './storage.js';

/** Keeps one torrent's resume record; swap it for another store (a database, say) if needed. */
export interface ResumeStore {
  /** The last record saved, or undefined when there is none. */
  load(options?: IoOptions): Promise<Uint8Array | undefined>;
  /** Replaces the record atomically. */
  save(record: Uint8Array, options?: IoOptions): Promise<void>;
}

/**
 * Largest record `load` reads. A record is about 40 bytes per file plus one bit per piece, so even a
 * torrent of a million files stays below it; anything larger is not ours and is treated as no record.
 */
export const MAX_RESUME_BYTES = 64 * 1024 * 1024;

export interface ResumeFileOptions {
  /**
   * 'data-folder' (default): `directory` is the download folder, and the record goes in its
   * `.typetorrent` subfolder. 'directory': `directory` is a folder for resume records only (the
   * application's state folder), and the record goes directly in it.
   */
  readonly placement?: 'data-folder' | 'directory';
}

export class ResumeFile implements ResumeStore {
  readonly path: string;
  readonly #root: string;
  readonly #fileSystem: FileSystem;
  /** The folder holding the record is inside a download folder, whose links we do not follow. */
  readonly #inDataFolder: boolean;

  constructor(directory: string, infoHashHex: string, fileSystem: FileSystem = nodeFileSystem, options: ResumeFileOptions = {}) {
    this.#root = path.resolve(directory);
    this.#fileSystem = fileSystem;
    this.#inDataFolder = (options.placement ?? 'data-folder') === 'data-folder';
    this.path = resolveInside(this.#root, this.#inDataFolder ? [STATE_FOLDER, `${infoHashHex}.resume`] : [`${infoHashHex}.resume`]);
  }

  /**
   * The record, read only from a regular file of at most MAX_RESUME_BYTES reached through no symbolic
   * link (the rule for every path below the download folder): a planted link could hand us another
   * torrent's record, and a link to a device or FIFO would read for ever or block. Links and other
   * non-files throw (UNSAFE_PATH, NOT_A_FILE); an oversized file is no record.
   */
  async load(options: IoOptions = {}): Promise<Uint8Array | undefined> {
    throwIfAborted(options.signal);
    const folder = path.dirname(this.path);
    try {
      const folderInfo = await this.#fileSystem.lstat(folder);
      if (folderInfo === undefined) return undefined;
      // A state folder of the application's own is the user's choice, and may well be a link.
      if (folderInfo.kind === 'symlink' && this.#inDataFolder) throw new StorageError('UNSAFE_PATH', 'the state folder is a symbolic link', { path: folder });
      // lstat before open: opening a FIFO would block until a writer appears.
      const info = await this.#fileSystem.lstat(this.path);
      if (info === undefined) return undefined;
      if (info.kind === 'symlink') throw new StorageError('UNSAFE_PATH', 'the resume record is a symbolic link', { path: this.path });
      if (info.kind !== 'file') throw new StorageError('NOT_A_FILE', 'the resume record is not a regular file', { path: this.path });
      if (info.size > MAX_RESUME_BYTES) return undefined;
      throwIfAborted(options.signal);
      // O_NOFOLLOW, and the size and kind of what was actually opened, in case the path changed since.
      const { handle, info: opened } = await this.#fileSystem.open(this.path, 'read');
      try {
        if (opened.kind !== 'file') throw new StorageError('NOT_A_FILE', 'the resume record is not a regular file', { path: this.path });
        if (opened.size > MAX_RESUME_BYTES) return undefined;
        const bytes = new Uint8Array(opened.size);
        const read = await readFully(handle, bytes, 0);
        return bytes.subarray(0, read);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (error instanceof StorageError) throw error;
      // Removed between the lstat and the open: no record.
      if (toStorageError(error, this.path).code === 'NOT_FOUND') return undefined;
      throw toStorageError(error, this.path);
    }
  }

  async save(record: Uint8Array, options: IoOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    const temporary = `${this.path}.tmp`;
    try {
      await this.#fileSystem.mkdirs(this.#root);
      await ensureParentFolders(this.#fileSystem, this.#root, this.path, new Set());
      const { handle } = await this.#fileSystem.open(temporary, 'write');
      try {
        try {
          await handle.truncate(0);
          await writeFully(handle, record, 0);
          await handle.sync();
        } finally {
          await handle.close();
        }
        throwIfAborted(options.signal);
        await this.#fileSystem.rename(temporary, this.path);
      } catch (error) {
        // A full disk (or an abort) must not leave a half-written temporary beside the record.
        await this.#fileSystem.unlink(temporary).catch(() => undefined);
        throw error;
      }
      await this.#fileSystem.syncDirectory(path.dirname(this.path));
    } catch (error) {
      throw toStorageError(error, this.path);
    }
  }
}
