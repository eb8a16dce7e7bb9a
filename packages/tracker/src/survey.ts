// Asking every tracker of a torrent at once, for tools that want to see each tracker's answer (the
// CLI's `peers` command) rather than keep a torrent announced (that is the Announcer's job, which
// stops at the first tracker that answers, as BEP 12 says a client should).
import { timeoutSignal } from './abort.js';
import { toHex } from './codec/bytes.js';
import { isSupportedTrackerUrl } from './codec/tracker-url.js';
import { TrackerError } from './errors.js';
import { systemTimers, type Timers } from './timers.js';
import type { AnnounceSuccess, ScrapeStats, TrackerTransport } from './types.js';

export interface SurveyOptions {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  readonly port: number;
  /** Bytes we would still need; not 0, or trackers count us as a seeder. */
  readonly left: number;
  /** BEP 12 tiers; every URL of every tier is asked. */
  readonly tiers: readonly (readonly string[])[];
  readonly client: TrackerTransport;
  /** 'announce' sends `started` and then `stopped`, so the tracker forgets us again; 'scrape' only scrapes. */
  readonly mode: 'announce' | 'scrape';
  /** Time each tracker gets for each request. */
  readonly timeoutMs: number;
  readonly numWant?: number;
  readonly signal?: AbortSignal;
  readonly timers?: Timers;
}

interface OutcomeBase {
  readonly url: string;
  /** 0-based BEP 12 tier. */
  readonly tier: number;
}

export type SurveyOutcome =
  | (OutcomeBase & {
      readonly status: 'announced';
      readonly result: AnnounceSuccess;
      /** Set when the follow-up `stopped` failed: the tracker may list us until it times us out. */
      readonly stopError?: TrackerError;
    })
  | (OutcomeBase & { readonly status: 'scraped'; readonly stats: ScrapeStats | undefined })
  | (OutcomeBase & { readonly status: 'refused'; readonly reason: string })
  | (OutcomeBase & { readonly status: 'failed'; readonly error: TrackerError })
  | (OutcomeBase & { readonly status: 'unsupported' });

/** Asks all trackers in parallel; one outcome per distinct URL, in tier order. Never rejects. */
export async function surveyTrackers(options: SurveyOptions): Promise<SurveyOutcome[]> {
  const seen = new Set<string>();
  const slots: OutcomeBase[] = [];
  options.tiers.forEach((urls, tier) => {
    for (const url of urls) {
      if (seen.has(url)) continue;
      seen.add(url);
      slots.push({ url, tier });
    }
  });
  return await Promise.all(slots.map((slot) => surveyOne(slot, options)));
}

async function surveyOne(slot: OutcomeBase, options: SurveyOptions): Promise<SurveyOutcome> {
  if (!isSupportedTrackerUrl(slot.url)) return { ...slot, status: 'unsupported' };
  const timers = options.timers ?? systemTimers;
  const withDeadline = async <T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const { signal, dispose } = timeoutSignal(timers, options.timeoutMs, options.signal);
    try {
      return await run(signal);
    } finally {
      dispose();
    }
  };
  try {
    if (options.mode === 'scrape') {
      const result = await withDeadline((signal) => options.client.scrape(slot.url, [options.infoHash], { signal }));
      if (!result.ok) return { ...slot, status: 'refused', reason: result.reason };
      const hex = toHex(options.infoHash);
      return { ...slot, status: 'scraped', stats: result.files.find((f) => f.infoHashHex === hex) };
    }
    const request = {
      infoHash: options.infoHash,
      peerId: options.peerId,
      port: options.port,
      uploaded: 0,
      downloaded: 0,
      left: options.left,
      ...(options.numWant === undefined ? {} : { numWant: options.numWant }),
    };
    const result = await withDeadline((signal) => options.client.announce(slot.url, { ...request, event: 'started' }, { signal }));
    if (!result.ok) return { ...slot, status: 'refused', reason: result.reason };
    try {
      await withDeadline((signal) =>
        options.client.announce(slot.url, { ...request, event: 'stopped', numWant: 0, ...(result.trackerId ? { trackerId: result.trackerId } : {}) }, { signal }),
      );
      return { ...slot, status: 'announced', result };
    } catch (error) {
      return { ...slot, status: 'announced', result, stopError: asTrackerError(error, slot.url) };
    }
  } catch (error) {
    return { ...slot, status: 'failed', error: asTrackerError(error, slot.url) };
  }
}

function asTrackerError(error: unknown, url: string): TrackerError {
  return error instanceof TrackerError ? error : new TrackerError('NETWORK', 'request failed unexpectedly', { url, cause: error });
}
