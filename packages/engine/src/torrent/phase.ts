// Where a torrent is in its lifecycle (STATE.md), as a union: each phase holds exactly the
// resources that are valid in it, so code that needs the open data or the transfer must be in a
// phase that has them. The public `TorrentStatus` is derived from it.
import type { EngineError } from '../errors.js';
import type { Opened } from './open.js';
import type { ResumeSaver } from './resume-saver.js';
import type { Transfer } from './transfer.js';

/** The data open, and the transfer working on it. */
export interface Running {
  readonly opened: Opened;
  readonly transfer: Transfer;
  readonly saver: ResumeSaver;
}

export type Phase =
  /** A magnet link's info dict is being fetched; `abort` cuts the fetch short. */
  | { readonly kind: 'fetching'; readonly abort: AbortController }
  /** The data is being opened and checked; `abort` cuts the check short; a magnet's connections tick on. */
  | { readonly kind: 'checking'; readonly abort: AbortController }
  /** Downloading or seeding. Fetching and running torrents are ticked by the session (TorrentCore.tick). */
  | { readonly kind: 'running'; readonly run: Running }
  /**
   * Waiting in the session's active queue (past its downloads or seeds limit): no traffic, like
   * paused. A seed keeps `run`; a download's data is closed (no `run`: it is opened again, from
   * resume data, when its slot comes), as is anything's before its check (a magnet before its fetch).
   */
  | { readonly kind: 'queued'; readonly run: Running | undefined }
  /** No traffic; `run` is kept when paused while running, so resuming needs no check. */
  | { readonly kind: 'paused'; readonly run: Running | undefined }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'error'; readonly error: EngineError };
