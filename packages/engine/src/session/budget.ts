// The session's connection limits, shared by all its torrents: connections in total (established,
// being dialled, or handshaking), and outgoing connects in flight at once (half-open connections:
// many at once look like a port scan to some networks and waste file descriptors).
import type { ConnectionBudget } from '../torrent/services.js';

/**
 * Issue 17: 500 per session (libtorrent's connections_limit is 200; qBittorrent raises it to 500). With
 * the 256 pooled files and 64 others it fits under the usual soft limit of 1,024 descriptors.
 */
export const DEFAULT_MAX_CONNECTIONS = 500;
export const DEFAULT_MAX_CONNECTING = 30;

export class Budget implements ConnectionBudget {
  #used = 0;
  #connecting = 0;

  constructor(
    readonly maxConnections: number,
    readonly maxConnecting: number,
  ) {}

  get used(): number {
    return this.#used;
  }

  acquire(): boolean {
    if (this.#used >= this.maxConnections) return false;
    this.#used++;
    return true;
  }

  release(): void {
    if (this.#used > 0) this.#used--;
  }

  acquireConnect(): boolean {
    if (this.#connecting >= this.maxConnecting) return false;
    this.#connecting++;
    return true;
  }

  releaseConnect(): void {
    if (this.#connecting > 0) this.#connecting--;
  }
}
