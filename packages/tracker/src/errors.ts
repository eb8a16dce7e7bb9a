// The package's one error class. Transport problems (a timeout, a refused connection, a body that
// is not bencode) are thrown as TrackerError; what a tracker chose to say (`failure reason`, a
// BEP 15 error packet) is returned as a value, because a caller must handle it on every announce.

export type TrackerErrorCode =
  /** The tracker URL cannot be parsed, or lacks a host or (for UDP) a port. */
  | 'INVALID_URL'
  /** The URL's scheme is not http, https or udp (for example a WebSocket tracker). */
  | 'UNSUPPORTED_PROTOCOL'
  /** The caller's request is out of range: wrong hash length, negative byte counts, bad port. */
  | 'INVALID_REQUEST'
  /** The HTTP tracker's announce URL does not follow the BEP 48 convention, so it cannot scrape. */
  | 'SCRAPE_UNSUPPORTED'
  /** The response could not be parsed: not bencode, wrong field types, truncated peer lists. */
  | 'MALFORMED_RESPONSE'
  /** The response body exceeded the configured cap. */
  | 'RESPONSE_TOO_LARGE'
  /** An HTTP status other than 2xx without a bencoded failure reason. */
  | 'HTTP_STATUS'
  /** More redirects than allowed, or a redirect to a scheme other than http/https. */
  | 'TOO_MANY_REDIRECTS'
  /** DNS, socket or connection failure. */
  | 'NETWORK'
  /** No answer in time (including every UDP retransmission). */
  | 'TIMEOUT'
  /** The caller's AbortSignal fired. */
  | 'ABORTED'
  /** The client was closed while the request was pending. */
  | 'CLOSED'
  /** Every tracker of every tier failed in one announce round (Announcer's `error` event). */
  | 'ALL_TRACKERS_FAILED';

export interface TrackerErrorOptions {
  /** The tracker URL the failing request went to, when there was one. */
  readonly url?: string;
  readonly cause?: unknown;
}

export class TrackerError extends Error {
  override readonly name = 'TrackerError';
  readonly code: TrackerErrorCode;
  readonly url: string | undefined;

  constructor(code: TrackerErrorCode, message: string, options: TrackerErrorOptions = {}) {
    super(options.url === undefined ? message : `${message} (${options.url})`, { cause: options.cause });
    this.code = code;
    this.url = options.url;
  }
}

/**
 * The same error with the tracker URL attached. Codecs know nothing about URLs, so the clients add
 * it when a codec error passes through them; an error that already names a URL is returned as is.
 */
export function withUrl(error: TrackerError, url: string): TrackerError {
  if (error.url !== undefined) return error;
  return new TrackerError(error.code, error.message, { url, cause: error.cause ?? error });
}
