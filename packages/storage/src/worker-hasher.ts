// SHA-1 on a pool of worker threads, so hashing never runs on the event loop. Piece buffers move to
// the worker and back (sha1Moving: transferred, no copy); data held in a SharedArrayBuffer is hashed in
// place; other data is copied once and the copy transferred. Pools do not allocate shared memory for
// it: copying blocks into a SharedArrayBuffer took V8's slower copy for shared memory (+0.6 s of CPU per
// GiB on the 1 GiB benchmark), more than hashing in place saved. The engine hashes on one worker
// thread by default (measured in BENCHMARKS.md, tuning log). A thread with no job for `idleMs` ends
// and starts again at the next job: a session that checked its torrents at start and then only seeds
// does not keep a second V8 isolate (about 10 MiB and a dozen descriptors) for nothing.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StorageError, throwIfAborted } from './errors.js';
import type { Hasher } from './hasher.js';
import type { IoOptions } from './storage.js';

// Plain CommonJS evaluated by the worker: no file to find next to the bundle, works from source and dist.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (job) => {
  const digest = createHash('sha1').update(new Uint8Array(job.buffer, job.offset, job.length)).digest();
  if (job.back) parentPort.postMessage({ id: job.id, digest: new Uint8Array(digest), buffer: job.buffer }, [job.buffer]);
  else parentPort.postMessage({ id: job.id, digest: new Uint8Array(digest) });
});
`;

interface Job {
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

interface PoolWorker {
  /** Undefined while stopped for being idle (started again by the next job). */
  worker: Worker | undefined;
  readonly jobs: Map<number, Job>;
  /** The thread has answered a job; one that fails before its first answer is not started again. */
  proven: boolean;
  /** Cancels the idle timer, while one runs. */
  idle: (() => void) | undefined;
}

/** Schedules `callback` once after `ms`; returns its cancel. Must not keep the process alive. */
export type IdleTimer = (callback: () => void, ms: number) => () => void;

const unrefTimer: IdleTimer = (callback, ms) => {
  const handle = setTimeout(callback, ms);
  handle.unref();
  return () => clearTimeout(handle);
};

/** How long a hashing thread waits for a job before it ends (it starts again when needed). */
export const DEFAULT_HASH_IDLE_MS = 30_000;

export interface WorkerHasherOptions {
  /** Worker threads (default: available cores, at most 4). */
  readonly threads?: number;
  /** The CommonJS each thread runs (default: the hashing loop); tests give one that crashes. */
  readonly source?: string;
  /** A thread with no job for this long ends until the next job (default 30 s; 0: never). */
  readonly idleMs?: number;
  /** Runs the idle timeout (default: an unref-ed Node timer); tests fire it by hand. */
  readonly idleTimer?: IdleTimer;
}

export class WorkerHasher implements Hasher {
  readonly prefersShared = false;
  readonly #workers: PoolWorker[] = [];
  #nextId = 0;
  #closed = false;
  #broken = false;
  readonly #source: string;
  readonly #idleMs: number;
  readonly #idleTimer: IdleTimer;

  constructor(options: WorkerHasherOptions = {}) {
    const threads = options.threads ?? Math.min(4, availableParallelism());
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be at least 1, got ${threads}`);
    this.#source = options.source ?? WORKER_SOURCE;
    this.#idleMs = options.idleMs ?? DEFAULT_HASH_IDLE_MS;
    this.#idleTimer = options.idleTimer ?? unrefTimer;
    for (let i = 0; i < threads; i++) {
      const entry: PoolWorker = { worker: undefined, jobs: new Map(), proven: false, idle: undefined };
      this.#start(entry);
      this.#workers.push(entry);
    }
  }

  /** Threads running now (the others stopped for being idle). */
  get running(): number {
    return this.#workers.filter((entry) => entry.worker !== undefined).length;
  }

  async sha1(data: Uint8Array, options: IoOptions = {}): Promise<Uint8Array> {
    this.#checkUsable(options);
    const shared = data.buffer instanceof SharedArrayBuffer;
    const copy = shared ? undefined : data.slice();
    const job = copy === undefined
      ? { buffer: data.buffer, offset: data.byteOffset, length: data.byteLength, back: false }
      : { buffer: copy.buffer, offset: 0, length: copy.byteLength, back: false };
    const reply = this.#post(job, copy === undefined ? [] : [copy.buffer]);
    return (await withSignal(reply, options.signal)).digest;
  }

  /**
   * Moves `data`'s ArrayBuffer to a worker and back, without a copy (see Hasher.sha1Moving). Data in
   * shared memory, or a view that does not start its buffer, takes sha1()'s path and comes back as is.
   */
  async sha1Moving(data: Uint8Array, options: IoOptions = {}): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    this.#checkUsable(options);
    const memory = data.buffer;
    if (memory instanceof SharedArrayBuffer || data.byteOffset !== 0) return { digest: await this.sha1(data, options), data };
    const length = data.byteLength;
    const reply = await this.#post({ buffer: memory, offset: 0, length, back: true }, [memory]);
    if (!(reply.buffer instanceof ArrayBuffer)) throw new StorageError('IO', 'hash worker kept the piece buffer');
    return { digest: reply.digest, data: new Uint8Array(reply.buffer, 0, length) };
  }

  /** True once a worker thread failed before it started: this hasher cannot hash, use another. */
  get broken(): boolean {
    return this.#broken;
  }

  #checkUsable(options: IoOptions): void {
    if (this.#closed) throw new StorageError('CLOSED', 'hasher is closed');
    if (this.#broken) throw new StorageError('IO', 'hash worker threads could not start');
    throwIfAborted(options.signal);
  }

  #post(job: Omit<WorkerJob, 'id'>, transfer: ArrayBuffer[]): Promise<Reply> {
    // Least busy worker first, so one slow job does not queue the others behind it; a running one
    // before a stopped one.
    const load = (w: PoolWorker): number => w.jobs.size * 2 + (w.worker === undefined ? 1 : 0);
    const target = this.#workers.reduce((best, w) => (load(w) < load(best) ? w : best));
    target.idle?.();
    target.idle = undefined;
    const worker = target.worker ?? this.#start(target);
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve, reject) => target.jobs.set(id, { resolve, reject }));
    if (target.jobs.size === 1) worker.ref();
    worker.postMessage({ id, ...job }, transfer);
    return reply;
  }

  /** Ends an idle thread; the next job starts it again. */
  #stopIdle(entry: PoolWorker): void {
    entry.idle = undefined;
    const worker = entry.worker;
    if (worker === undefined || entry.jobs.size > 0 || this.#closed) return;
    entry.worker = undefined; // its 'exit' is then no crash (see #start)
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    // terminate() drops the jobs a worker still holds without a reply: settle them here, or their
    // callers (a piece being completed, a recheck) would wait for ever.
    for (const entry of this.#workers) {
      entry.idle?.();
      entry.idle = undefined;
      for (const job of entry.jobs.values()) job.reject(new StorageError('CLOSED', 'hasher closed while hashing'));
      entry.jobs.clear();
    }
    await Promise.all(this.#workers.map(async (w) => await w.worker?.terminate()));
  }

  /** Starts the entry's thread. Events of a thread the entry no longer holds (stopped when idle) are ignored. */
  #start(entry: PoolWorker): Worker {
    const worker = new Worker(this.#source, { eval: true });
    entry.worker = worker;
    entry.proven = false; // a new thread proves itself again (see #replace)
    worker.unref();
    worker.on('message', (message: unknown) => {
      if (!isReply(message) || entry.worker !== worker) return;
      entry.proven = true;
      const job = entry.jobs.get(message.id);
      entry.jobs.delete(message.id);
      // An idle pool must not keep the process alive, nor an idle thread its isolate.
      if (entry.jobs.size === 0) {
        worker.unref();
        if (this.#idleMs > 0 && !this.#closed) entry.idle = this.#idleTimer(() => this.#stopIdle(entry), this.#idleMs);
      }
      job?.resolve(message);
    });
    worker.on('error', (error) => entry.worker === worker && this.#replace(entry, error));
    // A thread can also end without an 'error' (process.exit in it, a fatal V8 error): its jobs
    // would wait for ever.
    worker.on('exit', (code) => entry.worker === worker && this.#replace(entry, new Error(`hash worker exited with code ${code}`)));
    return worker;
  }

  /** A crashed worker fails its jobs and is replaced, so one bad job does not stop hashing. */
  #replace(entry: PoolWorker, error: unknown): void {
    for (const job of entry.jobs.values()) job.reject(new StorageError('IO', 'hash worker failed', { cause: error }));
    entry.jobs.clear();
    entry.idle?.();
    entry.idle = undefined;
    entry.worker = undefined;
    if (this.#closed) return;
    // A thread that never answered would most likely fail the same way again: stop instead of looping.
    if (!entry.proven) {
      this.#broken = true;
      return;
    }
    this.#start(entry);
  }
}

interface WorkerJob {
  readonly id: number;
  readonly buffer: ArrayBufferLike;
  readonly offset: number;
  readonly length: number;
  /** Transfer the buffer back with the digest (sha1Moving). */
  readonly back: boolean;
}

interface Reply {
  readonly id: number;
  readonly digest: Uint8Array;
  /** The moved buffer, when the job asked for it back. */
  readonly buffer?: unknown;
}

function isReply(message: unknown): message is Reply {
  return (
    typeof message === 'object' &&
    message !== null &&
    'id' in message &&
    typeof message.id === 'number' &&
    'digest' in message &&
    message.digest instanceof Uint8Array
  );
}

/** Rejects with ABORTED when the signal fires first; the job itself runs to its end regardless. */
async function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return await promise;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new StorageError('ABORTED', 'aborted', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
