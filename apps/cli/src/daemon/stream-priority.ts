// Which streaming answer of a torrent the engine serves first: the latest one. A player that seeks
// drops its old request and opens a new one, so the newest range is the one being watched; the
// engine keeps one priority range per torrent, and a later call replaces the earlier one.
import type { Torrent } from '@typetorrent/engine';

export class StreamPriority {
  readonly #current = new Map<Torrent, object>();

  /**
   * Has the engine fetch bytes `start..end` of file `index` before anything else, until the answer
   * ends: call the returned function then. It clears the range only if no later answer took over.
   */
  claim(torrent: Torrent, index: number, start: number, end: number): () => void {
    if (torrent.done || torrent.removed) return () => undefined;
    torrent.prioritizeRange(index, start, end);
    const token = {};
    this.#current.set(torrent, token);
    return () => {
      if (this.#current.get(torrent) !== token) return;
      this.#current.delete(torrent);
      if (!torrent.removed) torrent.clearPriorityRange();
    };
  }
}
