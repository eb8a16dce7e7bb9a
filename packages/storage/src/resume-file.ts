// Where resume data is kept: `<dir>/.typetorrent/<infohash>.resume`. Written atomically (temp file,
// fsync, rename, fsync of the folder), so after a crash the file is either the old record or the new
// one, never a torn mix.
import path from 'node:path';
import { throwIfAborted, toStorageError } from './errors.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { writeFully } from './positioned-io.js';
import { STATE_FOLDER, ensureParentFolders, resolveInside } from './safe-path.js';
import type { IoOptions } from './storage.js';

/** Keeps one torrent's resume record; swap it for another store (a database, say) if needed. */
export interface ResumeStore {
  /** The last record saved, or undefined when there is none. */
  load(options?: IoOptions): Promise<Uint8Array | undefined>;
  /** Replaces the record atomically. */
  save(record: Uint8Array, options?: IoOptions): Promise<void>;
}

export class ResumeFile implements ResumeStore {
  readonly path: string;
  readonly #root: string;
  readonly #fileSystem: FileSystem;

  constructor(directory: string, infoHashHex: string, fileSystem: FileSystem = nodeFileSystem) {
    this.#root = path.resolve(directory);
    this.#fileSystem = fileSystem;
    this.path = resolveInside(this.#root, [STATE_FOLDER, `${infoHashHex}.resume`]);
  }

  async load(options: IoOptions = {}): Promise<Uint8Array | undefined> {
    throwIfAborted(options.signal);
    try {
      return await this.#fileSystem.readFile(this.path);
    } catch (error) {
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
        await handle.truncate(0);
        await writeFully(handle, record, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
      throwIfAborted(options.signal);
      await this.#fileSystem.rename(temporary, this.path);
      await this.#fileSystem.syncDirectory(path.dirname(this.path));
    } catch (error) {
      throw toStorageError(error, this.path);
    }
  }
}
