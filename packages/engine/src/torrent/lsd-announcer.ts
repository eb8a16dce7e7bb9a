// A torrent's LSD peer source: joined while the torrent is active, left when it pauses or stops.
// The caller does not start it for private torrents (BEP 27).
import type { LsdService } from './lsd-service.js';
import type { Endpoint } from './types.js';

export class LsdAnnouncer {
  readonly #lsd: LsdService;
  readonly #infoHash: Uint8Array;
  readonly #found: (peers: readonly Endpoint[]) => void;
  #leave: (() => void) | undefined;

  constructor(lsd: LsdService, infoHash: Uint8Array, found: (peers: readonly Endpoint[]) => void) {
    this.#lsd = lsd;
    this.#infoHash = infoHash;
    this.#found = found;
  }

  get running(): boolean {
    return this.#leave !== undefined;
  }

  start(): void {
    this.#leave ??= this.#lsd.join(this.#infoHash, this.#found);
  }

  stop(): void {
    this.#leave?.();
    this.#leave = undefined;
  }
}
