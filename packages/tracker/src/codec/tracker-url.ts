// Tracker URLs: which protocol a URL speaks, where a UDP tracker lives, and BEP 48's announce → scrape
// URL convention. Only http, https and udp are accepted (no WebSocket trackers, no magnet-in-URL).
import { TrackerError } from '../errors.js';

export type TrackerProtocol = 'http' | 'udp';

function parse(url: string): URL {
  try {
    return new URL(url);
  } catch (cause) {
    throw new TrackerError('INVALID_URL', 'not a valid URL', { url, cause });
  }
}

/** 'http' for http: and https:, 'udp' for udp:; anything else throws UNSUPPORTED_PROTOCOL. */
export function trackerProtocol(url: string): TrackerProtocol {
  const parsed = parse(url);
  switch (parsed.protocol) {
    case 'http:':
    case 'https:':
      return 'http';
    case 'udp:':
      return 'udp';
    default:
      throw new TrackerError('UNSUPPORTED_PROTOCOL', `unsupported tracker protocol ${parsed.protocol}`, { url });
  }
}

/** True for URLs this package can announce to. */
export function isSupportedTrackerUrl(url: string): boolean {
  try {
    trackerProtocol(url);
    return true;
  } catch {
    return false;
  }
}

export interface UdpTrackerAddress {
  /** A DNS name or an IP literal (IPv6 without its brackets). */
  readonly host: string;
  readonly port: number;
}

/** BEP 15 URLs are udp://host:port[/path]; the port is required since UDP trackers have no default. */
export function parseUdpTrackerUrl(url: string): UdpTrackerAddress {
  const parsed = parse(url);
  if (parsed.protocol !== 'udp:') throw new TrackerError('UNSUPPORTED_PROTOCOL', 'not a udp:// URL', { url });
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (host === '') throw new TrackerError('INVALID_URL', 'UDP tracker URL has no host', { url });
  const port = Number(parsed.port);
  if (parsed.port === '' || !Number.isInteger(port) || port < 1 || port > 0xffff) {
    throw new TrackerError('INVALID_URL', 'UDP tracker URL needs a port 1-65535', { url });
  }
  return { host, port };
}

const ANNOUNCE = 'announce';

/**
 * BEP 48: the scrape URL is the announce URL with "announce" replaced by "scrape" at the start of
 * the last path segment (".../announce.php?x=1" → ".../scrape.php?x=1"). When that segment does not
 * start with "announce" the tracker has no scrape URL: returns undefined. UDP URLs scrape as is.
 */
export function scrapeUrlFor(announceUrl: string): string | undefined {
  const parsed = parse(announceUrl);
  if (parsed.protocol === 'udp:') return announceUrl;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  parsed.hash = '';
  const href = parsed.href;
  const queryAt = href.indexOf('?');
  const path = queryAt < 0 ? href : href.slice(0, queryAt);
  const query = queryAt < 0 ? '' : href.slice(queryAt);
  const slash = path.lastIndexOf('/');
  const segment = path.slice(slash + 1);
  if (!segment.startsWith(ANNOUNCE)) return undefined;
  return `${path.slice(0, slash + 1)}scrape${segment.slice(ANNOUNCE.length)}${query}`;
}
