// The parts of a Transfer that work with peers (downloader, uploader, choking, availability, read
// throttle, hash-failure tracking) and its meters and upload limiter chain. A Transfer makes them
// when its first peer joins: a seed nobody connects to, most of a session of thousands, needs none
// of them (issue 17: about 3 KiB per torrent, most of it empty Maps and Sets).
import { LimiterChain, type RateLimiter } from '../rate/rate-limiter.js';
import { RateMeter } from '../rate/rate-meter.js';
import { Availability, type AvailabilityHost } from './availability.js';
import { Choking, type ChokingHost } from './choking.js';
import { Downloader, type DownloaderHost } from './downloader.js';
import { HashFailures } from './hash-failures.js';
import { ReadThrottle } from './read-throttle.js';
import type { SessionServices } from './services.js';
import { Uploader, type UploaderHost } from './uploader.js';

/** A transfer's rate as shown in progress. */
export interface RateView {
  rate(): number;
  readonly total: number;
}

/** The rate of a transfer no peer ever joined. */
export const NO_TRAFFIC: RateView = Object.freeze({ rate: () => 0, total: 0 });

export interface PeerParts {
  readonly downloadMeter: RateMeter;
  readonly uploadMeter: RateMeter;
  /** Torrent limiter then the session's: both must allow an upload. */
  readonly limiter: LimiterChain;
  readonly downloader: Downloader;
  readonly uploader: Uploader;
  readonly availability: Availability;
  readonly choking: Choking;
  readonly readThrottle: ReadThrottle;
  readonly hashFailures: HashFailures;
}

export interface PeerPartsOptions {
  readonly services: SessionServices;
  readonly downloadLimiter: RateLimiter;
  readonly uploadLimiter: RateLimiter;
}

/** The parts, each seeing `host` (the Transfer) through its own interface. */
export function makePeerParts(host: DownloaderHost & UploaderHost & ChokingHost & AvailabilityHost, options: PeerPartsOptions): PeerParts {
  const { services } = options;
  const now = (): number => services.clock.now();
  return {
    downloadMeter: new RateMeter({ now }),
    uploadMeter: new RateMeter({ now }),
    limiter: new LimiterChain([options.uploadLimiter, services.uploadLimiter]),
    readThrottle: new ReadThrottle(new LimiterChain([options.downloadLimiter, services.downloadLimiter]), services.clock),
    hashFailures: new HashFailures(),
    downloader: new Downloader(host),
    uploader: new Uploader(host),
    choking: new Choking(host),
    availability: new Availability(host),
  };
}
