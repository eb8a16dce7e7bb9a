// @typetorrent/storage: verified piece storage. Block assembly and SHA-1 checks under a memory cap,
// file layout and disk I/O, file selection, fast resume.
//
// The public surface is what an engine or a tool needs: PieceStore and its options, the Storage
// interface with its implementations, hashers, resume records, errors. The parts PieceStore is made
// of (PieceAssembler, BufferPool, checkPieces, planCheck, Layout) stay internal so they can change.
export { StorageError, type StorageErrorCode, type StorageErrorDetails } from './errors.js';
export type { StorageTorrent } from './torrent.js';
export {
  isSelectable,
  isStamped,
  type FileStamp,
  type FlushOptions,
  type IoOptions,
  type SelectableStorage,
  type StampedStorage,
  type Storage,
  type StorageFactory,
  type StorageStamps,
} from './storage.js';
export { PieceSet } from './piece-set.js';
export { FileStorage, type FileStorageOptions } from './file-storage.js';
export { MemoryStorage } from './memory-storage.js';
export { NullStorage } from './null-storage.js';
export { nodeFileSystem, type FileHandleLike, type FileSystem, type OpenMode, type PathInfo, type PathKind } from './file-system.js';
export {
  DEFAULT_MAX_IDLE_READ_FILES,
  DEFAULT_MAX_OPEN_FILES,
  DEFAULT_POOL_CAPACITY,
  OpenFilePool,
  type OpenFilePoolOptions,
} from './open-files.js';
export { STATE_FOLDER } from './safe-path.js';
export { DEFAULT_TURN_BUDGET_MS, InlineHasher, inlineHasher, type Hasher, type InlineHasherOptions } from './hasher.js';
export { WorkerHasher, type WorkerHasherOptions } from './worker-hasher.js';
export { DEFAULT_MEMORY_LIMIT, MIN_DEFAULT_MEMORY_LIMIT, defaultMemoryLimit } from './buffer-pool.js';
export type { BlockResult } from './piece-assembler.js';
export type { CheckOptions, CheckProgress } from './check.js';
export { RESUME_VERSION, decodeResume, encodeResume, type DecodedResume, type ResumeData, type ResumeExpectation } from './resume-data.js';
export { ResumeFile, type ResumeFileOptions, type ResumeStore } from './resume-file.js';
export { currentBootId } from './boot-id.js';
export { DEFAULT_MAX_READ_LENGTH, DEFAULT_RESUME_INTERVAL_MS, PieceStore, type PieceStoreOptions, type ReadBlockOptions, type SaveOptions } from './piece-store.js';
export type { IntervalTimers } from './interval-timers.js';
