// Opening a torrent's data: storage from the factory, the PieceStore's check (fast resume when the
// resume record matches the files), and a picker that starts from the verified pieces with the
// file priorities applied.
import type { Metainfo } from '@typetorrent/metainfo';
import { FileStorage, PieceStore, ResumeFile, type CheckProgress, type Hasher, type OpenFilePool, type StorageError, type StorageFactory } from '@typetorrent/storage';
import { PiecePicker } from '../picker/piece-picker.js';
import { piecePrioritiesFromFiles } from '../picker/priorities.js';
import { EngineError } from '../errors.js';

/** Resume data is saved this often while running (the storage default is 30 s). */
export const RESUME_INTERVAL_MS = 15_000;

export interface OpenOptions {
  readonly savePath: string;
  /** Where the resume record goes; default the data folder's `.typetorrent/`. */
  readonly resumeDirectory: string | undefined;
  readonly storage: StorageFactory | undefined;
  readonly filePriorities: readonly number[];
  readonly sequential: boolean;
  readonly fullCheck: boolean;
  readonly memoryLimit: number | undefined;
  /** The session's hashing threads; undefined: hash on the event loop. */
  readonly hasher: Hasher | undefined;
  /** The session's pool of open files for the default storage; undefined: one of its own. */
  readonly openFilePool?: OpenFilePool | undefined;
  /** Waits for the session's turn to hash data on disk (only when there is some to hash). */
  readonly checkTurn?: ((signal: AbortSignal | undefined) => Promise<() => void>) | undefined;
  readonly signal: AbortSignal;
  readonly onCheckProgress: (progress: CheckProgress) => void;
  readonly onError: (error: StorageError) => void;
}

export interface Opened {
  readonly store: PieceStore;
  readonly picker: PiecePicker;
}

/**
 * Open file handles kept per torrent by the default storage when the session gives no shared pool.
 * FileStorage keeps 64; pieces arrive in rarest-first (random) order, so a torrent of a few hundred
 * files reopened files constantly (a 300-file download ran 20% faster with room for all of them).
 * A session shares one pool of this size across all its torrents (SessionOptions.maxOpenFiles).
 */
export const MAX_OPEN_FILES = 256;

/** The default storage: files under the save path, their handles in `pool` when given. */
export function fileStorageAt(savePath: string, pool?: OpenFilePool): StorageFactory {
  return async (torrent, options) =>
    await FileStorage.open(torrent, savePath, { ...options, ...(pool === undefined ? { maxOpenFiles: MAX_OPEN_FILES } : { openFilePool: pool }) });
}

export async function openTorrentData(metainfo: Metainfo, options: OpenOptions): Promise<Opened> {
  const { signal } = options;
  const storage = await (options.storage ?? fileStorageAt(options.savePath, options.openFilePool))(metainfo, { signal });
  let store: PieceStore;
  try {
    store = await PieceStore.open(metainfo, {
      storage,
      resume:
        options.resumeDirectory === undefined
          ? new ResumeFile(options.savePath, metainfo.infoHashHex)
          : new ResumeFile(options.resumeDirectory, metainfo.infoHashHex, undefined, { placement: 'directory' }),
      wanted: options.filePriorities.map((priority) => priority > 0),
      fullCheck: options.fullCheck,
      resumeIntervalMs: RESUME_INTERVAL_MS,
      signal,
      onCheckProgress: options.onCheckProgress,
      onError: options.onError,
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
      ...(options.hasher === undefined ? {} : { hasher: options.hasher }),
      ...(options.checkTurn === undefined ? {} : { checkTurn: options.checkTurn }),
    });
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }
  // Built in its final state: a seed's pieces are never queued for download (see PickerStart).
  const start = { have: store, priorities: piecePriorities(metainfo, options.filePriorities) };
  const picker = new PiecePicker(metainfo.geometry, { sequential: options.sequential, start });
  return { store, picker };
}

/** Piece priorities from file priorities: a piece takes the highest priority among its files. */
export function piecePriorities(metainfo: Metainfo, filePriorities: readonly number[]): Uint8Array {
  const geometry = metainfo.geometry;
  const ranges = metainfo.files.map((file, index) => (file.padding ? undefined : geometry.piecesOfFile(index)));
  return piecePrioritiesFromFiles(geometry.pieceCount, ranges, filePriorities);
}

/** File priorities from the add options: `filePriorities`, or `selectedFiles`, or 4 (normal) for all. */
export function filePrioritiesFrom(metainfo: Metainfo, options: { filePriorities?: readonly number[]; selectedFiles?: readonly number[] }): number[] {
  const count = metainfo.files.length;
  if (options.filePriorities !== undefined) {
    if (options.filePriorities.length !== count) {
      throw new EngineError('INVALID_ARGUMENT', `expected ${count} file priorities, got ${options.filePriorities.length}`);
    }
    for (const priority of options.filePriorities) {
      if (!Number.isInteger(priority) || priority < 0 || priority > 7) throw new EngineError('INVALID_ARGUMENT', `file priority must be 0..7, got ${priority}`);
    }
    return [...options.filePriorities];
  }
  if (options.selectedFiles !== undefined) {
    const priorities = new Array<number>(count).fill(0);
    for (const index of options.selectedFiles) {
      if (!Number.isInteger(index) || index < 0 || index >= count) throw new EngineError('INVALID_ARGUMENT', `no file ${index} (the torrent has ${count})`);
      priorities[index] = 4;
    }
    return priorities;
  }
  return new Array<number>(count).fill(4);
}

/** New file priorities on open data: the store's selection, files to write out, the picker's piece priorities. */
export async function applyFilePriorities(opened: Opened, metainfo: Metainfo, after: readonly number[]): Promise<void> {
  // The store writes out files that became wanted (it owns file selection); the picker follows.
  await opened.store.setWanted(after.map((p) => p > 0));
  opened.picker.setPiecePriorities(piecePriorities(metainfo, after));
}
