// HTTP(S) tracker client: BEP 3 announce and BEP 48 scrape over `boundedGet`.
import { TrackerError, withUrl } from '../errors.js';
import { announceRequestUrl, scrapeRequestUrl } from '../codec/http-query.js';
import { parseAnnounceResponse } from '../codec/http-announce-response.js';
import { parseScrapeResponse } from '../codec/http-scrape-response.js';
import type { AnnounceRequest, AnnounceResult, CryptoSupport, RequestOptions, ScrapeResult, TrackerTransport } from '../types.js';
import { boundedGet, type BoundedGetResponse } from './bounded-get.js';

/** 1 MiB: about 170,000 compact peers, far more than any tracker sends in one reply. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 3;
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

export interface HttpTrackerClientOptions {
  /** Largest response body accepted (after gzip decoding). Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** Redirects followed per request. Default 3. */
  readonly maxRedirects?: number;
  /** Whole-request limit, redirects included, on top of any caller signal. Default 30 s. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  /** Said in every announce that does not say otherwise (`supportcrypto`, `requirecrypto`). */
  readonly crypto?: CryptoSupport;
}

export class HttpTrackerClient implements TrackerTransport {
  readonly #maxBytes: number;
  readonly #maxRedirects: number;
  readonly #timeoutMs: number;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #crypto: CryptoSupport | undefined;

  constructor(options: HttpTrackerClientOptions = {}) {
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.#headers = { 'user-agent': options.userAgent ?? 'TypeTorrent' };
    this.#crypto = options.crypto;
  }

  /** Announces; a `failure reason` comes back as `{ ok: false }`, transport problems throw TrackerError. */
  async announce(url: string, request: AnnounceRequest, options: RequestOptions = {}): Promise<AnnounceResult> {
    const withCrypto = request.crypto === undefined && this.#crypto !== undefined ? { ...request, crypto: this.#crypto } : request;
    return await this.#exchange(url, () => announceRequestUrl(url, withCrypto), parseAnnounceResponse, options.signal);
  }

  /** Scrapes by the BEP 48 URL convention; throws SCRAPE_UNSUPPORTED when the URL has no scrape form. */
  async scrape(url: string, infoHashes: readonly Uint8Array[], options: RequestOptions = {}): Promise<ScrapeResult> {
    return await this.#exchange(url, () => scrapeRequestUrl(url, infoHashes), parseScrapeResponse, options.signal);
  }

  async #exchange<R extends { readonly ok: boolean }>(
    url: string,
    requestUrl: () => string,
    parse: (body: Uint8Array) => R,
    signal: AbortSignal | undefined,
  ): Promise<R> {
    try {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const response = await boundedGet(requestUrl(), {
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        maxBytes: this.#maxBytes,
        maxRedirects: this.#maxRedirects,
        headers: this.#headers,
      });
      return interpret(response, parse);
    } catch (error) {
      throw error instanceof TrackerError ? withUrl(error, url) : error;
    }
  }
}

/**
 * 2xx bodies are parsed as they are. Other statuses are errors, unless the body is a bencoded failure
 * reason: some trackers send their refusal with a 4xx status, and the reason is what the user needs.
 */
function interpret<R extends { readonly ok: boolean }>(response: BoundedGetResponse, parse: (body: Uint8Array) => R): R {
  if (response.status >= 200 && response.status < 300) return parse(response.body);
  let refusal: R | undefined;
  try {
    const parsed = parse(response.body);
    if (!parsed.ok) refusal = parsed;
  } catch {
    // Not a bencoded refusal: the status is the best description there is.
  }
  if (refusal !== undefined) return refusal;
  throw new TrackerError('HTTP_STATUS', `HTTP status ${response.status}`, { url: response.url });
}
