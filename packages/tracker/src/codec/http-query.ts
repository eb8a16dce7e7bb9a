// HTTP announce and scrape request URLs (BEP 3, BEP 23 compact, BEP 7 key, BEP 48 scrape).
import { TrackerError } from '../errors.js';
import type { AnnounceRequest } from '../types.js';
import { percentEncodeBytes } from './bytes.js';
import { checkAnnounceRequest, checkInfoHashes } from './request.js';
import { scrapeUrlFor } from './tracker-url.js';

/**
 * How many hashes one HTTP scrape carries: each costs about 70 characters of query string, and many
 * servers reject request lines over 8 KiB.
 */
export const MAX_HTTP_SCRAPE_HASHES = 100;

/**
 * Appends parameters to a URL that may already have a query string (private trackers put a passkey
 * there), dropping any fragment. The parameters are already escaped: URLSearchParams would re-escape
 * them as form text, which is wrong for raw hash bytes.
 */
function appendQuery(url: string, params: readonly string[]): string {
  const parsed = new URL(url);
  parsed.hash = '';
  const base = parsed.href;
  const query = params.join('&');
  if (!base.includes('?')) return `${base}?${query}`;
  return base.endsWith('?') || base.endsWith('&') ? `${base}${query}` : `${base}&${query}`;
}

/** The full GET URL for an announce. */
export function announceRequestUrl(announceUrl: string, request: AnnounceRequest): string {
  checkAnnounceRequest(request);
  const params = [
    `info_hash=${percentEncodeBytes(request.infoHash)}`,
    `peer_id=${percentEncodeBytes(request.peerId)}`,
    `port=${request.port}`,
    `uploaded=${request.uploaded}`,
    `downloaded=${request.downloaded}`,
    `left=${request.left}`,
    // BEP 23: ask for the compact form; opentracker answers compact=0 with HTTP 400.
    'compact=1',
  ];
  if (request.event !== 'none') params.push(`event=${request.event}`);
  if (request.numWant !== undefined) params.push(`numwant=${request.numWant}`);
  if (request.key !== undefined) params.push(`key=${request.key.toString(16).toUpperCase().padStart(8, '0')}`);
  if (request.trackerId !== undefined) params.push(`trackerid=${percentEncodeBytes(request.trackerId)}`);
  if (request.crypto !== undefined) params.push('supportcrypto=1');
  if (request.crypto === 'required') params.push('requirecrypto=1');
  return appendQuery(announceUrl, params);
}

/** The full GET URL for a scrape of one or more torrents (BEP 48: `info_hash` repeated). */
export function scrapeRequestUrl(announceUrl: string, infoHashes: readonly Uint8Array[]): string {
  checkInfoHashes(infoHashes, MAX_HTTP_SCRAPE_HASHES);
  const scrapeUrl = scrapeUrlFor(announceUrl);
  if (scrapeUrl === undefined) {
    throw new TrackerError('SCRAPE_UNSUPPORTED', 'the announce URL does not end in "announce…", so there is no scrape URL (BEP 48)', {
      url: announceUrl,
    });
  }
  return appendQuery(scrapeUrl, infoHashes.map((h) => `info_hash=${percentEncodeBytes(h)}`));
}
