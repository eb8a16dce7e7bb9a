// The one object the engine talks to for a torrent's data: it checks what is already on disk at start
// (fast resume, or a recheck), assembles and verifies incoming blocks, serves verified blocks to
// peers, tracks which pieces are needed for the wanted files, and keeps resume data up to date.
// The lifecycle and its invariants are in STATE.md beside this file.
import { currentBootId } from './boot-id.js';
import { checkPieces, type CheckOptions, type CheckProgress } from './check.js';
import { StorageError, throwIfAborted, toStorageError } from './errors.js';
import { inlineHasher, type Hasher } from './hasher.js';
import { systemIntervals, type IntervalTimers } from './interval-timers.js';
import { autosaves, resumeLoads } from './task-gate.js';
import { PieceAssembler, type BlockResult } from './piece-assembler.js';
import { PieceSet } from './piece-set.js';
import { decodeResume, encodeResume, type ResumeData } from './resume-data.js';
import type { ResumeStore } from './resume-file.js';
import { planCheck } from './resume-plan.js';
import { isSelectable, isStamped, type IoOptions, type Storage } from './storage.js';
import type { StorageTorrent } from './torrent.js';

/** BEP 3 leaves the limit to clients; 128 KiB is what they commonly enforce before disconnecting. */
export const DEFAULT_MAX_READ_LENGTH = 128 * 1024;
export const DEFAULT_RESUME_INTERVAL_MS = 30_000;

export interface PieceStoreOptions extends IoOptions {
  readonly storage: Storage;
  /** Where resume data is kept; without it every start checks all data present. */
  readonly resume?: ResumeStore;
  readonly hasher?: Hasher;
  /**
   * Hash blocks that arrive in order as they come, on the calling thread (default true); `hasher`
   * then gets only checks and pieces whose blocks came out of order. See PieceAssembler.
   */
  readonly hashOnArrival?: boolean;
  /** Cap on piece buffers in bytes (default 64 MiB). */
  readonly memoryLimit?: number;
  /** One flag per file (default: all wanted). */
  readonly wanted?: readonly boolean[];
  /** Ignore resume data and check every piece whose data may be present. */
  readonly fullCheck?: boolean;
  /**
   * Waits for a turn before the start-up check hashes anything (a session's check queue) and returns
   * the turn's release, called when the check ends. Not called when resume data vouches for every piece.
   */
  readonly checkTurn?: (signal: AbortSignal | undefined) => Promise<() => void>;
  /** Progress of the start-up check. */
  readonly onCheckProgress?: (progress: CheckProgress) => void;
  /** Saves resume data this often while open, in ms (default 30 s; 0: only on close and saveResume()). */
  readonly resumeIntervalMs?: number;
  /** Runs the periodic resume save (default: Node timers, unref-ed). The engine passes its Clock. */
  readonly clock?: IntervalTimers;
  /** Longest read for upload, in bytes (default 128 KiB). */
  readonly maxReadLength?: number;
  /** Receives failures of background resume saves (nothing else is reported this way). */
  readonly onError?: (error: StorageError) => void;
  /** This boot of the OS (default: asked of the OS; null: unknown, so every save fsyncs). For tests. */
  readonly bootId?: string | null;
}

export interface ReadBlockOptions extends IoOptions {
  /** Where to read the bytes (exactly the length asked for); returned when the read resolves. */
  readonly into?: Uint8Array;
}

export interface SaveOptions extends IoOptions {
  /**
   * true (default): fsync the data first, so the record vouches for it across a crash of the OS.
   * false: no fsync; the record vouches for unsynced pieces only within this boot of the OS (a later
   * boot checks them again). Where the OS does not name its boots, the data is fsynced anyway.
   */
  readonly durable?: boolean;
}

export class PieceStore {
  readonly torrent: StorageTorrent;
  readonly #storage: Storage;
  readonly #resume: ResumeStore | undefined;
  readonly #hasher: Hasher;
  readonly #memoryLimit: number | undefined;
  readonly #hashOnArrival: boolean | undefined;
  /** Made on first use (see `#assembler`): a seed that nobody downloads from needs none. */
  #assemblerMade: PieceAssembler | undefined;
  readonly #verified: PieceSet;
  readonly #maxReadLength: number;
  #wanted: readonly boolean[];
  #needed: PieceSet;
  /** Resume saves, selection changes and rechecks run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #stopAutosave: (() => void) | undefined;
  /** A periodic save is queued or running (the next period does not queue another). */
  #autosaving = false;
  #closed = false;
  #bootId: string | undefined;
  /** Verified pieces known to be fsynced (some may have been discarded since). */
  #durable: PieceSet;
  /**
   * Some verified pieces were written by an earlier process (trusted without fsync, or found by a
   * check): the next durable save fsyncs every file, not just those written since the last one.
   */
  #syncAll = false;
  /**
   * An fsync failed. Linux reports a failed writeback once and a retried fsync then succeeds, so
   * from here on nothing more is called durable, and records name no boot: the next start checks
   * every piece that is not durable.
   */
  #writebackFailed = false;
  /**
   * Something the resume record holds changed since the last durable save (a piece verified or
   * lost, the file selection). The periodic save is skipped while it is false: an idle seed does not
   * rewrite and fsync the same record every 15 s.
   */
  #dirty = true;

  private constructor(torrent: StorageTorrent, options: PieceStoreOptions) {
    this.torrent = torrent;
    this.#storage = options.storage;
    this.#resume = options.resume;
    this.#hasher = options.hasher ?? inlineHasher;
    this.#maxReadLength = options.maxReadLength ?? DEFAULT_MAX_READ_LENGTH;
    this.#verified = new PieceSet(torrent.geometry.pieceCount);
    this.#durable = new PieceSet(torrent.geometry.pieceCount);
    this.#wanted = wantedFlags(torrent, options.wanted);
    this.#needed = neededFor(torrent, this.#wanted);
    this.#memoryLimit = options.memoryLimit;
    this.#hashOnArrival = options.hashOnArrival;
  }

  /**
   * Assembles downloaded pieces and lends buffers to checks. Made when first needed (a check with
   * something to read, a block offered, a reservation): its map, set, pool and closures are about
   * 1 KiB a torrent, which a session seeding thousands from resume data otherwise holds idle.
   */
  get #assembler(): PieceAssembler {
    this.#assemblerMade ??= new PieceAssembler(this.torrent, this.#storage, {
      hasher: this.#hasher,
      ...(this.#memoryLimit === undefined ? {} : { memoryLimit: this.#memoryLimit }),
      ...(this.#hashOnArrival === undefined ? {} : { hashOnArrival: this.#hashOnArrival }),
      isVerified: (piece) => this.#verified.has(piece),
      onVerified: (piece) => {
        this.#verified.add(piece);
        this.#dirty = true;
        // A finished torrent only seeds: its idle piece buffers (up to the memory cap) go, once the
        // last one is back in the pool (the assembler releases it right after this call).
        if (this.#verified.count >= this.#needed.count && this.complete) queueMicrotask(() => this.#assemblerMade?.pool.trim());
      },
    });
    return this.#assemblerMade;
  }

  /**
   * Opens a torrent's data: applies the file selection, then establishes which pieces are verified,
   * trusting resume data file by file and checking the rest (see README: resume).
   */
  static async open(torrent: StorageTorrent, options: PieceStoreOptions): Promise<PieceStore> {
    const store = new PieceStore(torrent, options);
    const { signal } = options;
    if (isSelectable(store.#storage)) await store.#storage.setWanted(store.#wanted, { signal });
    const stamps = isStamped(store.#storage) ? await store.#storage.stamps({ signal }) : undefined;
    store.#bootId = options.bootId === undefined ? await currentBootId() : (options.bootId ?? undefined);
    const record = options.fullCheck === true ? undefined : await store.#loadResume(signal);
    const plan = planCheck(torrent, stamps, record, store.#bootId);
    for (const piece of plan.trusted) {
      store.#verified.add(piece);
      if (record?.durable.has(piece) === true) store.#durable.add(piece);
    }
    const release = plan.toCheck.count > 0 ? await options.checkTurn?.(signal) : undefined;
    let found = new PieceSet(torrent.geometry.pieceCount);
    try {
      if (plan.toCheck.count > 0) {
        found = await checkPieces(torrent, store.#storage, plan.toCheck, store.#hasher, store.#assembler.pool, {
          signal,
          ...(options.onCheckProgress === undefined ? {} : { onProgress: options.onCheckProgress }),
        });
      }
    } finally {
      release?.();
    }
    for (const piece of found) store.#verified.add(piece);
    // A record that durably vouches for every piece now verified is what a save would write again:
    // the store starts clean, so an untouched seed writes nothing on close (a session of 10,000
    // torrents closing at once would otherwise rewrite 10,000 records).
    if (record !== undefined && found.count === 0 && record.durable.count === record.verified.count && store.#verified.count === record.verified.count) store.#dirty = false;
    // Nor is the check's assembler (its pool, maps and closures, about 1.3 KiB a torrent: 13 MiB of
    // 10,000 checked seeds) or its buffer: a seed needs none, a download makes them again at its first block.
    store.#assemblerMade = undefined;
    for (const piece of store.#verified) if (!store.#durable.has(piece)) store.#syncAll = true;
    const interval = options.resumeIntervalMs ?? DEFAULT_RESUME_INTERVAL_MS;
    if (interval > 0 && store.#resume !== undefined) {
      // Resume saving alone must not keep a process alive (IntervalTimers promises as much). The
      // callback holds onError only, not `options` (its signal, storage and callbacks stay collectable).
      const onError = options.onError;
      store.#stopAutosave = (options.clock ?? systemIntervals).setInterval(() => store.#autosave(onError), interval);
    }
    return store;
  }

  /** True when the piece is verified and written (readable for upload). */
  has(piece: number): boolean {
    return this.#verified.has(piece);
  }

  /** A copy of the verified pieces. */
  verifiedPieces(): PieceSet {
    return this.#verified.clone();
  }

  /** Pieces that hold bytes of at least one wanted file (verified or not). */
  neededPieces(): PieceSet {
    return this.#needed.clone();
  }

  /** Needed pieces not verified yet: what the engine should download. */
  missingPieces(): PieceSet {
    const missing = new PieceSet(this.torrent.geometry.pieceCount);
    for (const piece of this.#needed) if (!this.#verified.has(piece)) missing.add(piece);
    return missing;
  }

  /** True when every needed piece is verified. */
  get complete(): boolean {
    for (const piece of this.#needed) if (!this.#verified.has(piece)) return false;
    return true;
  }

  /** The write error that stopped the torrent, if any: every later addBlock throws it. */
  get failure(): StorageError | undefined {
    return this.#assemblerMade?.failure;
  }

  /** Bytes held in piece buffers (in use by pieces in progress). */
  get bufferedBytes(): number {
    return this.#assemblerMade?.pool.bytesInUse ?? 0;
  }

  /** Bytes of piece buffers allocated: those in use and idle ones kept for reuse. */
  get heldBytes(): number {
    return this.#assemblerMade?.pool.bytesAllocated ?? 0;
  }

  /** Pieces with blocks buffered, or being hashed and written. */
  get piecesInProgress(): readonly number[] {
    return this.#assemblerMade?.piecesInProgress ?? [];
  }

  /** True when a block of `piece` would not be answered 'busy': request new pieces only then. */
  canAccept(piece: number): boolean {
    return this.#assembler.canAccept(piece);
  }

  /**
   * Holds memory for `piece` before its blocks are requested, so none of them is dropped for want of
   * a buffer when it arrives; false when the memory cap is reached. See PieceAssembler.reserve.
   */
  reserve(piece: number): boolean {
    return this.#assembler.reserve(piece);
  }

  /** Gives back a reservation none of whose blocks arrived. */
  unreserve(piece: number): void {
    this.#assembler.unreserve(piece);
  }

  /** Resolves when memory for a new piece is free again. */
  async waitForMemory(options: IoOptions = {}): Promise<void> {
    await this.#assembler.waitForMemory(options);
  }

  hasBlock(piece: number, block: number): boolean {
    return this.#assemblerMade?.hasBlock(piece, block) ?? false;
  }

  /**
   * Adds a block received from `peer` (a key such as "ip:port"); see BlockResult. Throws
   * NOT_WANTED for a piece outside the wanted files, BAD_BLOCK / OUT_OF_BOUNDS for a block that does
   * not fit, and, when the completed piece could not be written, the StorageError that stops the torrent.
   */
  async addBlock(piece: number, begin: number, data: Uint8Array, peer: string, options: IoOptions = {}): Promise<BlockResult> {
    return await this.offerBlock(piece, begin, data, peer, options);
  }

  /**
   * `addBlock` for the hot path of a download: the result comes back directly unless the block
   * completes its piece (then a promise of 'verified' or 'hash-failed'); errors are thrown
   * synchronously. The block's bytes are copied before it returns, so they may be reused memory.
   */
  offerBlock(piece: number, begin: number, data: Uint8Array, peer: string, options: IoOptions = {}): BlockResult | Promise<BlockResult> {
    this.#checkOpen();
    const failure = this.#assemblerMade?.failure;
    if (failure !== undefined) throw failure;
    // Out-of-range pieces are left to the assembler, which reports them as OUT_OF_BOUNDS.
    const inRange = Number.isInteger(piece) && piece >= 0 && piece < this.#needed.size;
    if (inRange && !this.#needed.has(piece) && !this.#verified.has(piece)) {
      throw new StorageError('NOT_WANTED', 'the piece holds no byte of a wanted file', { piece });
    }
    return this.#assembler.offerBlock(piece, begin, data, peer, options);
  }

  /** Drops a piece's buffered blocks (its senders are gone, say). */
  discard(piece: number): void {
    this.#assemblerMade?.discard(piece);
  }

  /**
   * Reads part of a verified piece to upload it: into `options.into` (exactly `length` bytes, say a
   * pooled buffer) or a new buffer. Either is overwritten in full or the read rejects (a file shorter
   * than the torrent is NOT_FOUND), so neither is zeroed first. Throws OUT_OF_BOUNDS for a range
   * outside the piece, longer than maxReadLength or not the length of `into`, NOT_VERIFIED for a
   * piece not verified.
   */
  async readBlock(piece: number, begin: number, length: number, options: ReadBlockOptions = {}): Promise<Uint8Array> {
    this.#checkOpen();
    const geometry = this.torrent.geometry;
    if (!Number.isInteger(piece) || piece < 0 || piece >= geometry.pieceCount) {
      throw new StorageError('OUT_OF_BOUNDS', `no piece ${piece} (the torrent has ${geometry.pieceCount})`, { piece });
    }
    if (!Number.isSafeInteger(length) || length <= 0 || length > this.#maxReadLength) {
      throw new StorageError('OUT_OF_BOUNDS', `read length ${length} is not within 1..${this.#maxReadLength}`, { piece });
    }
    if (!Number.isSafeInteger(begin) || begin < 0 || begin + length > geometry.pieceSize(piece)) {
      throw new StorageError('OUT_OF_BOUNDS', `bytes ${begin}+${length} are outside the piece (${geometry.pieceSize(piece)} bytes)`, { piece });
    }
    const into = options.into;
    if (into !== undefined && into.length !== length) {
      throw new StorageError('OUT_OF_BOUNDS', `the buffer to read into holds ${into.length} bytes, not ${length}`, { piece });
    }
    if (!this.#verified.has(piece)) throw new StorageError('NOT_VERIFIED', 'piece not verified', { piece });
    // Storage.read fills every byte of its buffer or rejects: zeroing a new one first would be wasted.
    return await this.#storage.read(piece, begin, into ?? uninitialized(length), options);
  }

  /**
   * Changes which files are wanted; the needed pieces follow. Pieces already verified stay verified
   * (their bytes stay readable for upload).
   */
  async setWanted(wanted: readonly boolean[], options: IoOptions = {}): Promise<void> {
    this.#checkOpen();
    const flags = wantedFlags(this.torrent, wanted);
    await this.#serially(async () => {
      const before = this.#wanted;
      if (isSelectable(this.#storage)) await this.#storage.setWanted(flags, options);
      this.#wanted = flags;
      this.#dirty = true;
      this.#needed = neededFor(this.torrent, flags);
      await this.#materialize(before, flags, options);
    });
  }

  /**
   * Files that became wanted after pieces they share with a neighbour were verified: the storage
   * kept their bytes of those pieces aside (FileStorage's side file), and no write will come for a
   * verified piece, so the file would never appear. Writing such a piece again, as read back, routes
   * the bytes to the now wanted file. Only a file's first and last piece can be shared.
   */
  async #materialize(before: readonly boolean[], after: readonly boolean[], options: IoOptions): Promise<void> {
    const geometry = this.torrent.geometry;
    for (const [index, file] of this.torrent.files.entries()) {
      if (file.length === 0 || file.padding || before[index] === true || after[index] !== true) continue;
      const range = geometry.piecesOfFile(index);
      if (range === undefined) continue;
      for (const piece of new Set([range.first, range.last])) {
        if (!this.#verified.has(piece)) continue;
        const data = await this.#storage.read(piece, 0, new Uint8Array(geometry.pieceSize(piece)), options);
        await this.#storage.write(piece, 0, data, options);
      }
    }
  }

  /**
   * Reads and hashes every piece whose data may be present; pieces that fail lose their verified
   * state. Downloads may go on meanwhile. Progress and cancellation through `options`.
   */
  async recheck(options: CheckOptions = {}): Promise<PieceSet> {
    this.#checkOpen();
    return await this.#serially(async () => {
      const before = this.#verified.clone();
      const stamps = isStamped(this.#storage) ? await this.#storage.stamps(options) : undefined;
      const plan = planCheck(this.torrent, stamps, undefined);
      const found = await checkPieces(this.torrent, this.#storage, plan.toCheck, this.#hasher, this.#assembler.pool, options);
      // Pieces verified by downloads while the check ran are kept: the check may have read them
      // before they were written.
      for (const piece of before) {
        if (found.has(piece)) continue;
        this.#verified.delete(piece);
        // Its bytes on disk are not the ones verified: if it comes back, that is through new writes.
        this.#durable.delete(piece);
      }
      for (const piece of found) this.#verified.add(piece);
      this.#dirty = true;
      this.#assembler.pool.trim();
      if (found.count > 0) this.#syncAll = true;
      return this.#verified.clone();
    });
  }

  /**
   * Flushes, then writes resume data: by default describing only what the flush made durable (see
   * SaveOptions.durable). Returns false when there is nowhere to save it (no resume store, or a
   * storage that cannot stamp its files).
   */
  async saveResume(options: SaveOptions = {}): Promise<boolean> {
    this.#checkOpen();
    return await this.#serially(() => this.#save(options));
  }

  /**
   * Waits for pieces being written, flushes, saves resume data (see SaveOptions; skipped when nothing
   * changed since the record was loaded or last saved durably) and closes the storage.
   */
  async close(options: SaveOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#stopAutosave?.();
    const sync = this.#syncs(options);
    try {
      await this.#assemblerMade?.settle();
      if (this.#dirty) await this.#serially(() => this.#save(options));
    } finally {
      this.#closed = true;
      await this.#storage.close({ ...(options.signal === undefined ? {} : { signal: options.signal }), sync });
    }
  }

  /** Whether a save fsyncs: asked to, or unsynced data could not be vouched for (no boot identity). */
  #syncs(options: SaveOptions): boolean {
    return options.durable !== false || this.#bootId === undefined;
  }

  async #save(options: SaveOptions): Promise<boolean> {
    const { signal } = options;
    if (this.#resume === undefined || !isStamped(this.#storage)) return false;
    const sync = this.#syncs(options);
    // The snapshot comes first: every piece in it was written before the flush began, so a syncing
    // flush makes it durable. Pieces verified later are left for the next save.
    const verified = this.#verified.clone();
    const dirtyBefore = this.#dirty;
    if (sync) this.#dirty = false; // changes from here on make the next save needed again
    const all = sync && this.#syncAll;
    try {
      await this.#storage.flush({ ...(signal === undefined ? {} : { signal }), sync, all });
    } catch (error) {
      if (sync && !(error instanceof StorageError && error.code === 'ABORTED')) this.#writebackFailed = true;
      if (sync) this.#dirty ||= dirtyBefore;
      throw error;
    }
    if (sync && !this.#writebackFailed) {
      this.#durable = verified.clone();
      if (all) this.#syncAll = false;
    }
    const stamps = await this.#storage.stamps({ signal });
    throwIfAborted(signal);
    const record: ResumeData = {
      infoHash: this.torrent.infoHash,
      verified,
      durable: this.#durable,
      bootId: this.#writebackFailed ? undefined : this.#bootId,
      files: stamps.files,
      parts: stamps.parts,
    };
    try {
      await this.#resume.save(encodeResume(record), { signal });
    } catch (error) {
      if (sync) this.#dirty ||= dirtyBefore;
      throw error;
    }
    return true;
  }

  #autosave(onError: ((error: StorageError) => void) | undefined): void {
    if (this.#closed || !this.#dirty || this.#autosaving) return;
    this.#autosaving = true;
    // Through the process's gate: thousands of stores due at once save a few at a time.
    autosaves
      .run(async () => {
        if (!this.#closed && this.#dirty) await this.#serially(() => this.#save({ durable: true }));
      })
      .catch((error: unknown) => onError?.(toStorageError(error, undefined)))
      .finally(() => (this.#autosaving = false));
  }

  async #loadResume(signal: AbortSignal | undefined): Promise<ResumeData | undefined> {
    const resume = this.#resume;
    if (resume === undefined) return undefined;
    // A few at a time across the process: each read holds a descriptor (see task-gate.ts).
    const bytes = await resumeLoads.run(async () => await resume.load({ signal }));
    if (bytes === undefined) return undefined;
    const decoded = decodeResume(bytes, {
      infoHash: this.torrent.infoHash,
      pieceCount: this.torrent.geometry.pieceCount,
      fileCount: this.torrent.files.length,
    });
    // A damaged or foreign record is not an error: the data is checked instead.
    return decoded.ok ? decoded.data : undefined;
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StorageError('CLOSED', 'piece store is closed');
  }
}

/** A Uint8Array of `length` bytes whose memory is not zeroed (a Buffer's, but not a Buffer). */
function uninitialized(length: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

function wantedFlags(torrent: StorageTorrent, wanted: readonly boolean[] | undefined): readonly boolean[] {
  if (wanted === undefined) return torrent.files.map(() => true);
  if (wanted.length !== torrent.files.length) {
    throw new StorageError('OUT_OF_BOUNDS', `expected ${torrent.files.length} wanted flags, got ${wanted.length}`);
  }
  return [...wanted];
}

/** Pieces holding bytes of a wanted file; padding files are never wanted for their own sake. */
function neededFor(torrent: StorageTorrent, wanted: readonly boolean[]): PieceSet {
  const needed = new PieceSet(torrent.geometry.pieceCount);
  for (const [index, file] of torrent.files.entries()) {
    if (wanted[index] !== true || file.padding) continue;
    const range = torrent.geometry.piecesOfFile(index);
    if (range === undefined) continue;
    for (let piece = range.first; piece <= range.last; piece++) needed.add(piece);
  }
  return needed;
}
