// The Announcer's options and events.
import type { TrackerError } from '../errors.js';
import type { Timers } from '../timers.js';
import type { AnnounceEvent, AnnounceResult, Peer, TrackerTransport } from '../types.js';

/** Byte counts since the torrent was started, read before each announce. */
export interface AnnouncerStats {
  readonly uploaded: number;
  readonly downloaded: number;
  readonly left: number;
}

export interface AnnouncerOptions {
  /** 20 bytes. */
  readonly infoHash: Uint8Array;
  /** 20 bytes. */
  readonly peerId: Uint8Array;
  /** The TCP port peers can reach us on. */
  readonly port: number;
  /** BEP 12 announce-list; a torrent with only `announce` passes `[[announce]]`. */
  readonly tiers: readonly (readonly string[])[];
  readonly stats: () => AnnouncerStats;
  /** Peers asked for per announce. Default 50. */
  readonly numWant?: number;
  /** BEP 7 key. Default: random. */
  readonly key?: number;
  /** For http(s) URLs. Default: a new HttpTrackerClient. */
  readonly httpClient?: TrackerTransport;
  /**
   * For udp URLs. Default: a UdpTrackerClient of the announcer's own, closed by `stop()`. An engine
   * running many torrents should pass one shared client (one socket for all).
   */
  readonly udpClient?: TrackerTransport;
  readonly timers?: Timers;
  /** Float in [0, 1) for the BEP 12 shuffle and the interval jitter. Default Math.random. */
  readonly random?: () => number;
  /**
   * Awaited before each announce round (not before `stopped`): a session pacing the announces of
   * many torrents gives turns here. Rejecting with the round's signal aborted ends the round quietly.
   */
  readonly pace?: (signal: AbortSignal) => Promise<void>;
  /**
   * Share of each wait between rounds taken off at random, so torrents started together do not
   * re-announce in lock-step (0.1: up to 10% sooner; never under the min interval). Default 0.
   */
  readonly intervalJitter?: number;
  /** Time one tracker gets to answer before the next one is tried. Default 30 s. */
  readonly trackerTimeoutMs?: number;
  /** First wait after a round where every tracker failed; doubles per failed round. Default 30 s. */
  readonly retryBaseMs?: number;
  /** Longest wait between failed rounds. Default 30 min. */
  readonly retryMaxMs?: number;
  /** Re-announce interval when the tracker names none. Default 1800 s. */
  readonly defaultIntervalS?: number;
  /** Floor for any interval a tracker asks for, against a tracker saying `interval 0`. Default 60 s. */
  readonly minimumIntervalS?: number;
}

interface ReportBase {
  readonly url: string;
  /** 0-based BEP 12 tier. */
  readonly tier: number;
  readonly event: AnnounceEvent;
}

/** One tracker's answer to one announce: what it said, or why asking failed. */
export type TrackerReport =
  | (ReportBase & { readonly status: 'answered'; readonly result: AnnounceResult })
  | (ReportBase & { readonly status: 'failed'; readonly error: TrackerError });

export interface AnnouncerWarning {
  readonly url: string;
  readonly message: string;
  /** Set when the tracker could not be reached or its answer not read. */
  readonly error?: TrackerError;
}

export type AnnouncerEvents = {
  /** Every announce to every tracker, answered or not. */
  announce: [report: TrackerReport];
  /** Peers from a successful announce, deduplicated by host and port. Our own address may be among them. */
  peers: [peers: readonly Peer[], url: string];
  /** One tracker failed, refused, or sent a `warning message`; others may still work. */
  warning: [warning: AnnouncerWarning];
  /** Every tracker failed in a round (code ALL_TRACKERS_FAILED); the announcer retries with backoff. */
  error: [error: TrackerError];
};
