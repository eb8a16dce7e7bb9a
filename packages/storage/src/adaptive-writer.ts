// How FileStorage writes a piece: synchronously, in 16 KiB write(2) calls, while that is fast; through
// the thread pool otherwise. Measured on the lab VM (BENCHMARKS.md, tuning log): a 1 MiB write(2)
// makes the kernel fill a large page-cache folio, and on a VM whose free memory goes back to the host
// (Firecracker free page reporting) each such folio costs host page faults: 1.2-3 s of system time per
// GiB against 0.6 s in 16 KiB calls. 64 round trips through the thread pool per MiB would cost more
// than they save, so the small calls are made here, on the calling thread: about 0.6 ms per MiB,
// less than hashing the same piece. A disk that cannot keep up (writeback throttling, a network file
// system) would stall the event loop, so slow writes move writes to the thread pool for a while. It
// takes a few slow slices in a row: one alone is more often this VM's vCPU being descheduled.
import { writeFully } from './positioned-io.js';
import type { FileHandleLike } from './file-system.js';

/** Bytes per write(2) on the synchronous path. */
export const SYNC_WRITE_CHUNK = 16 * 1024;
/** Bytes written synchronously before the event loop gets a turn. */
export const SYNC_WRITE_SLICE = 1024 * 1024;
/** A synchronous slice slower than this (under 50 MB/s) is slow... */
export const SLOW_SLICE_MS = 20;
/** ...and this many slow slices in a row send writes to the thread pool... */
export const SLOW_SLICES_TO_SWITCH = 3;
/** ...for this long; then the synchronous path is tried again. */
export const ASYNC_PERIOD_MS = 30_000;

export interface AdaptiveWriterOptions {
  /** Milliseconds, monotonic; injectable for tests. */
  readonly now?: () => number;
}

export class AdaptiveWriter {
  readonly #now: () => number;
  #asyncUntil = -Infinity;
  #slowInARow = 0;

  constructor(options: AdaptiveWriterOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
  }

  /** True while writes go through the thread pool because a synchronous one was slow. */
  get throttled(): boolean {
    return this.#now() < this.#asyncUntil;
  }

  /** Writes all of `bytes` at `position`. */
  async write(handle: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
    const writeSync = handle.writeSync?.bind(handle);
    let done = 0;
    while (done < bytes.length) {
      if (writeSync === undefined || this.throttled) {
        await writeFully(handle, bytes.subarray(done), position + done);
        return;
      }
      // A turn for the event loop between slices of a large write (pieces of 4 MiB and more).
      if (done > 0) await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(bytes.length, done + SYNC_WRITE_SLICE);
      const started = this.#now();
      writeRangeSync(writeSync, bytes, done, end, position);
      this.#slowInARow = this.#now() - started > SLOW_SLICE_MS ? this.#slowInARow + 1 : 0;
      if (this.#slowInARow >= SLOW_SLICES_TO_SWITCH) {
        this.#slowInARow = 0;
        this.#asyncUntil = this.#now() + ASYNC_PERIOD_MS;
      }
      done = end;
    }
  }
}

function writeRangeSync(writeSync: NonNullable<FileHandleLike['writeSync']>, bytes: Uint8Array, from: number, to: number, position: number): void {
  let offset = from;
  while (offset < to) {
    const written = writeSync(bytes, offset, Math.min(SYNC_WRITE_CHUNK, to - offset), position + offset);
    // A write that moves nothing would loop for ever; the OS reports real failures as errors.
    if (written === 0) throw new Error('write made no progress');
    offset += written;
  }
}
