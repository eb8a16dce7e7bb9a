// How a session with many torrents spaces them out (issue 17): the active queue (how many download
// and seed at once) and the announce pace. Their options are part of SessionOptions.
import type { Clock } from '../clock.js';
import { ActiveQueue, DEFAULT_SLOW_RULE } from './active-queue.js';
import { AnnouncePacer } from './announce-pacer.js';

export type { ActiveLimits, ActiveQueue } from './active-queue.js';
export type { AnnouncePacer } from './announce-pacer.js';

/** Part of SessionOptions. */
export interface QueueingOptions {
  /**
   * Torrents downloading at once (default 5, Transmission's download-queue-size; a magnet fetching
   * its metadata counts). Past it a checked torrent is `queued`: no peers, no announces, data open;
   * it starts in queue order when a slot frees. Infinity: no limit.
   */
  readonly maxActiveDownloads?: number;
  /** Torrents seeding at once (default no limit: an idle seed costs little, and 1,000 must all seed). */
  readonly maxActiveSeeds?: number;
  /** Downloads and seeds together (default no limit; libtorrent's active_limit). */
  readonly maxActive?: number;
  /**
   * Count slow torrents against the limits too. Default false: a torrent active for a minute that
   * moves under 2 KiB/s each way does not count (libtorrent's dont_count_slow_torrents), so a
   * stalled download does not hold up the queue.
   */
  readonly countSlowTorrents?: boolean;
  /** Tracker announce rounds started in any second, all torrents together (default 20). */
  readonly announcesPerSecond?: number;
}

export function sessionQueue(options: QueueingOptions, clock: Clock): ActiveQueue {
  const limits = { downloads: options.maxActiveDownloads, seeds: options.maxActiveSeeds, total: options.maxActive };
  return new ActiveQueue(limits, { clock, slow: options.countSlowTorrents === true ? undefined : DEFAULT_SLOW_RULE });
}

export function sessionPacer(options: QueueingOptions, clock: Clock): AnnouncePacer {
  return new AnnouncePacer({ clock, perSecond: options.announcesPerSecond });
}
