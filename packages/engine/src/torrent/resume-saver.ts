// Saving resume data every SAVE_EVERY_BYTES verified, in the background and without fsync (the store's
// periodic save does that), so a crash of the process loses little and none of these saves waits for
// the disk. One save at a time; PieceStore runs them in order with its own.
import type { PieceStore } from '@typetorrent/storage';
import { EngineError, describeError } from '../errors.js';

export const SAVE_EVERY_BYTES = 64 * 1024 * 1024;

export class ResumeSaver {
  readonly #store: PieceStore;
  readonly #warn: (warning: EngineError) => void;
  #unsaved = 0;
  #saving = false;

  constructor(store: PieceStore, warn: (warning: EngineError) => void) {
    this.#store = store;
    this.#warn = warn;
  }

  /** `bytes` more were verified. */
  verified(bytes: number): void {
    this.#unsaved += bytes;
    if (this.#unsaved < SAVE_EVERY_BYTES || this.#saving) return;
    this.#unsaved = 0;
    this.#saving = true;
    this.#store
      .saveResume({ durable: false })
      .catch((error: unknown) => this.#warn(new EngineError('STORAGE', `saving resume data failed: ${describeError(error)}`, { infoHash: this.#store.torrent.infoHashHex, cause: error })))
      .finally(() => (this.#saving = false));
  }
}
