// The few file-system calls FileStorage and the resume file make, behind an interface so tests can
// inject failures (a full disk, a permission error) without module mocks. `nodeFileSystem` is the real
// one, over fs/promises.
import { constants, writeSync, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';

export type PathKind = 'file' | 'directory' | 'symlink' | 'other';

/** What lstat says about a path: never follows a final symbolic link. */
export interface PathInfo {
  readonly kind: PathKind;
  readonly size: number;
  /** Modification time in whole microseconds (from the nanosecond stat, so no float rounding). */
  readonly mtimeUs: number;
}

/** The part of fs/promises' FileHandle this package uses (positioned I/O only). */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /**
   * The same write, done before returning (pwrite(2) on the calling thread); returns the bytes
   * written. Optional: FileStorage writes through it while it is fast (see AdaptiveWriter), so a test
   * that fakes write failures fakes them here too.
   */
  writeSync?(buffer: Uint8Array, offset: number, length: number, position: number): number;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenMode =
  /** Read only; the file must exist. */
  | 'read'
  /** Read and write; created when missing. */
  | 'write';

export interface FileSystem {
  /**
   * Opens a regular file and reports its kind and size. Never follows a symbolic link in the last
   * component (O_NOFOLLOW): that fails with ELOOP.
   */
  open(path: string, mode: OpenMode): Promise<{ handle: FileHandleLike; info: PathInfo }>;
  /** undefined when nothing is at the path. */
  lstat(path: string): Promise<PathInfo | undefined>;
  /** Creates one folder (not its parents); succeeds when it already exists. */
  mkdir(path: string): Promise<void>;
  /** Creates a folder and its parents. */
  mkdirs(path: string): Promise<void>;
  /** Replaces `to` with `from` atomically (rename(2)). */
  rename(from: string, to: string): Promise<void>;
  /** Fsyncs a folder so that a rename or a new entry in it survives a power loss. */
  syncDirectory(path: string): Promise<void>;
  /** Removes a file; succeeds when it is missing. */
  unlink(path: string): Promise<void>;
  /** The whole file, or undefined when it is missing. */
  readFile(path: string): Promise<Uint8Array | undefined>;
}

function kindOf(stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): PathKind {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  return 'other';
}

function infoOf(stats: BigIntStats): PathInfo {
  return { kind: kindOf(stats), size: Number(stats.size), mtimeUs: Number(stats.mtimeNs / 1000n) };
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

export const nodeFileSystem: FileSystem = {
  async open(path, mode) {
    const flags =
      mode === 'read'
        ? constants.O_RDONLY | constants.O_NOFOLLOW
        : constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW;
    const opened = await fs.open(path, flags, 0o666);
    const handle = Object.assign(opened, {
      writeSync: (buffer: Uint8Array, offset: number, length: number, position: number) => writeSync(opened.fd, buffer, offset, length, position),
    });
    try {
      return { handle, info: infoOf(await handle.stat({ bigint: true })) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  },
  async lstat(path) {
    try {
      return infoOf(await fs.lstat(path, { bigint: true }));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  async mkdir(path) {
    try {
      await fs.mkdir(path);
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST') return;
      throw error;
    }
  },
  async mkdirs(path) {
    await fs.mkdir(path, { recursive: true });
  },
  async rename(from, to) {
    await fs.rename(from, to);
  },
  async syncDirectory(path) {
    const handle = await fs.open(path, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async unlink(path) {
    try {
      await fs.unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  },
  async readFile(path) {
    try {
      const bytes = await fs.readFile(path);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
};
