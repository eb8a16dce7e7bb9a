// Storage in memory, for tests (the engine's too): one buffer per piece, allocated on its first write.
// Nothing is durable, so flush does nothing; reading a piece never written is NOT_FOUND, as with
// files, so a recheck of a fresh MemoryStorage finds nothing.
import { StorageError, throwIfAborted } from './errors.js';
import { Layout } from './layout.js';
import type { IoOptions, Storage } from './storage.js';
import type { StorageTorrent } from './torrent.js';

export class MemoryStorage implements Storage {
  readonly #layout: Layout;
  readonly #pieces = new Map<number, Uint8Array>();
  #closed = false;

  constructor(torrent: StorageTorrent) {
    this.#layout = new Layout(torrent);
  }

  /** Pieces holding any written bytes, for assertions in tests. */
  get writtenPieces(): readonly number[] {
    return [...this.#pieces.keys()].sort((a, b) => a - b);
  }

  async read(piece: number, begin: number, into: Uint8Array, options: IoOptions = {}): Promise<Uint8Array> {
    this.#check(piece, begin, into.length, options.signal);
    const stored = this.#pieces.get(piece);
    if (stored === undefined) throw new StorageError('NOT_FOUND', 'piece never written', { piece });
    into.set(stored.subarray(begin, begin + into.length));
    return into;
  }

  async write(piece: number, begin: number, data: Uint8Array, options: IoOptions = {}): Promise<void> {
    this.#check(piece, begin, data.length, options.signal);
    let stored = this.#pieces.get(piece);
    if (stored === undefined) {
      stored = new Uint8Array(this.#layout.torrent.geometry.pieceSize(piece));
      this.#pieces.set(piece, stored);
    }
    stored.set(data, begin);
  }

  async flush(options: IoOptions = {}): Promise<void> {
    this.#check(undefined, 0, 0, options.signal);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #check(piece: number | undefined, begin: number, length: number, signal: AbortSignal | undefined): void {
    if (this.#closed) throw new StorageError('CLOSED', 'storage is closed');
    throwIfAborted(signal);
    if (piece !== undefined) this.#layout.checkRange(piece, begin, length);
  }
}
