// How FileStorage writes a piece: synchronously, in 64 KiB write(2) calls, while that is fast; through
// the thread pool otherwise. Measured on the lab VM (BENCHMARKS.md, tuning log): a 1 MiB write(2)
// makes the kernel fill a large page-cache folio, and on a VM whose free memory goes back to the host
// (Firecracker free page reporting) each such folio costs host page faults: 1.2-3 s of system time per
// GiB against 0.6 s in 16 KiB calls. Smaller calls stay clear of that: writing 512 MiB into a new
// file (2026-12-06, 3 rounds, CPU s per GiB) cost 0.26-0.35 s in 16 KiB calls, 0.20-0.24 s in 64 KiB,
// 0.21-0.25 s in 128 KiB and 256 KiB, 0.24-0.82 s in 1 MiB: 64 KiB, a quarter of the calls of 16 KiB.
// 16 round trips through the thread pool per MiB would cost more than they save, so the calls are
// made here, on the calling thread: well under a millisecond per MiB, less than hashing the piece. A disk that cannot keep up (writeback throttling, a network file
// system) would stall the event loop, so a write that gets slow finishes on the thread pool (the
// stall stays near SLOW_WRITE_MS), and a few slow writes close together move all writes there for a
// while. One slow write alone is more often this VM's vCPU being descheduled.
import { writeFully } from './positioned-io.js';
import type { FileHandleLike } from './file-system.js';

/** Bytes per write(2) on the synchronous path. */
export const SYNC_WRITE_CHUNK = 64 * 1024;
/** Bytes written synchronously before the event loop gets a turn. */
export const SYNC_WRITE_SLICE = 1024 * 1024;
/** A slice still unfinished after this long (under 50 MB/s) is slow: its rest goes to the thread pool. */
export const SLOW_WRITE_MS = 20;
/** This many slow writes within SLOW_WINDOW_MS send every write to the thread pool... */
export const SLOW_WRITES_TO_SWITCH = 3;
export const SLOW_WINDOW_MS = 10_000;
/** ...for this long; then the synchronous path is tried again. */
export const ASYNC_PERIOD_MS = 30_000;

export interface AdaptiveWriterOptions {
  /** Milliseconds, monotonic; injectable for tests. */
  readonly now?: () => number;
}

export class AdaptiveWriter {
  readonly #now: () => number;
  #asyncUntil = -Infinity;
  /** When the recent slow writes happened, within SLOW_WINDOW_MS. */
  #slowAt: number[] = [];

  constructor(options: AdaptiveWriterOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
  }

  /** True while writes go through the thread pool because synchronous ones were slow. */
  get throttled(): boolean {
    return this.#now() < this.#asyncUntil;
  }

  /** Writes all of `bytes` at `position`. */
  async write(handle: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
    const writeSync = handle.writeSync?.bind(handle);
    let done = 0;
    while (done < bytes.length) {
      if (writeSync === undefined || this.throttled) break;
      // A turn for the event loop between slices of a large write (pieces of 2 MiB and more).
      if (done > 0) await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(bytes.length, done + SYNC_WRITE_SLICE);
      const started = this.#now();
      done = this.#writeSlice(writeSync, bytes, done, end, position, started);
      if (this.#now() - started > SLOW_WRITE_MS) {
        this.#noteSlow();
        break;
      }
    }
    if (done < bytes.length) await writeFully(handle, bytes.subarray(done), position + done);
  }

  /** Writes bytes[from, to) in SYNC_WRITE_CHUNK calls; stops early once the slice is slow. Returns where it stopped. */
  #writeSlice(writeSync: NonNullable<FileHandleLike['writeSync']>, bytes: Uint8Array, from: number, to: number, position: number, started: number): number {
    let offset = from;
    while (offset < to) {
      const written = writeSync(bytes, offset, Math.min(SYNC_WRITE_CHUNK, to - offset), position + offset);
      // A write that moves nothing would loop for ever; the OS reports real failures as errors.
      if (written === 0) throw new Error('write made no progress');
      offset += written;
      if (this.#now() - started > SLOW_WRITE_MS) break;
    }
    return offset;
  }

  #noteSlow(): void {
    const now = this.#now();
    this.#slowAt = this.#slowAt.filter((at) => now - at < SLOW_WINDOW_MS);
    this.#slowAt.push(now);
    if (this.#slowAt.length < SLOW_WRITES_TO_SWITCH) return;
    this.#slowAt = [];
    this.#asyncUntil = now + ASYNC_PERIOD_MS;
  }
}
