// A storage that discards every write, like libtorrent's "disabled" disk backend: for benchmarks of
// everything above the disk (assembly, hashing, memory bounds). Reads find nothing.
import { StorageError, throwIfAborted } from './errors.js';
import type { IoOptions, Storage } from './storage.js';

export class NullStorage implements Storage {
  /** Bytes accepted and dropped so far. */
  bytesWritten = 0;

  async read(piece: number, _begin: number, _into: Uint8Array, options: IoOptions = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal);
    throw new StorageError('NOT_FOUND', 'NullStorage keeps nothing', { piece });
  }

  async write(_piece: number, _begin: number, data: Uint8Array, options: IoOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    this.bytesWritten += data.length;
  }

  async flush(options: IoOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
  }

  async close(): Promise<void> {}
}
