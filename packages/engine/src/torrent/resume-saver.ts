// Flushing and saving resume data every SAVE_EVERY_BYTES verified, in the background: the fsync then
// never has more than that to write (the one at `done` stays short), and a crash loses little. One
// save at a time; PieceStore runs them in order with its own.
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
      .saveResume()
      .catch((error: unknown) => this.#warn(new EngineError('STORAGE', `saving resume data failed: ${describeError(error)}`, { infoHash: this.#store.torrent.infoHashHex, cause: error })))
      .finally(() => (this.#saving = false));
  }
}
