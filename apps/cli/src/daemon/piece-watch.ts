// Which pieces of a torrent can be read from disk, for streaming: those the engine reported
// verified (`piece` events) and those found on disk with the right SHA-1 (pieces verified before
// anyone watched: a resumed download, a seed). A piece neither can vouch for is waited for.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Torrent } from '@typetorrent/engine';
import type { Metainfo } from '@typetorrent/metainfo';
import { ApiError } from './api-error.js';

export class PieceWatch {
  readonly #torrent: Torrent;
  readonly #metainfo: Metainfo;
  readonly #root: string;
  readonly #verified = new Set<number>();
  readonly #waiters = new Map<number, Set<() => void>>();
  readonly #onPiece = (piece: number): void => {
    this.#verified.add(piece);
    const waiting = this.#waiters.get(piece);
    this.#waiters.delete(piece);
    for (const wake of waiting ?? []) wake();
  };

  constructor(torrent: Torrent, metainfo: Metainfo, savePath: string) {
    this.#torrent = torrent;
    this.#metainfo = metainfo;
    this.#root = metainfo.isMultiFile ? path.join(savePath, metainfo.name) : savePath;
    torrent.on('piece', this.#onPiece);
  }

  /** Path of a file of the torrent on disk. */
  filePath(index: number): string {
    return path.join(this.#root, ...this.#metainfo.files[index]!.path);
  }

  /** Resolves once the piece can be read; rejects when `signal` aborts or the torrent is removed. */
  async whenReadable(piece: number, signal: AbortSignal): Promise<void> {
    if (this.#verified.has(piece)) return;
    if (await this.#onDisk(piece)) {
      this.#verified.add(piece);
      return;
    }
    // It may have been verified while the disk was read; from here on no await until the waiter is set.
    if (this.#verified.has(piece)) return;
    await new Promise<void>((resolve, reject) => {
      const waiting = this.#waiters.get(piece) ?? new Set();
      this.#waiters.set(piece, waiting);
      const cleanup = (): void => {
        waiting.delete(wake);
        signal.removeEventListener('abort', onAbort);
        this.#torrent.off('state', onState);
      };
      const wake = (): void => {
        cleanup();
        resolve();
      };
      const onAbort = (): void => {
        cleanup();
        reject(new ApiError(499, 'UNAVAILABLE', 'the client went away'));
      };
      const onState = (): void => {
        if (!this.#torrent.removed) return;
        cleanup();
        reject(new ApiError(404, 'NOT_FOUND', 'the torrent was removed'));
      };
      waiting.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#torrent.on('state', onState);
    });
  }

  dispose(): void {
    this.#torrent.off('piece', this.#onPiece);
  }

  /** Reads the piece from its files (pad files are zeros) and compares its SHA-1. */
  async #onDisk(piece: number): Promise<boolean> {
    const geometry = this.#metainfo.geometry;
    const hash = createHash('sha1');
    try {
      for (const slice of geometry.fileSlices(piece)) {
        const file = this.#metainfo.files[slice.fileIndex]!;
        if (file.padding) {
          hash.update(new Uint8Array(slice.length));
          continue;
        }
        const handle = await fs.open(this.filePath(slice.fileIndex), 'r');
        try {
          const buffer = new Uint8Array(slice.length);
          const { bytesRead } = await handle.read(buffer, 0, slice.length, slice.fileOffset);
          if (bytesRead !== slice.length) return false;
          hash.update(buffer);
        } finally {
          await handle.close();
        }
      }
    } catch {
      return false;
    }
    return Buffer.from(this.#metainfo.pieceHash(piece)).equals(hash.digest());
  }
}
