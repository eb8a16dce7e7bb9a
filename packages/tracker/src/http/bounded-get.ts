// One HTTP(S) GET with every limit a tracker request needs: the body is capped while it streams (a
// hostile tracker cannot make us buffer more than `maxBytes`), redirects are counted and must stay
// on http/https, and the caller's signal cancels at any point. HTTPS certificates are checked by
// Node's defaults, which are deliberately not overridable here.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { abortError } from '../abort.js';
import { TrackerError } from '../errors.js';

export interface BoundedGetOptions {
  readonly signal: AbortSignal;
  /** Most body bytes accepted, after gzip decoding. */
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BoundedGetResponse {
  readonly status: number;
  readonly body: Uint8Array;
  /** The URL that finally answered, after redirects. */
  readonly url: string;
}

type Hop = { readonly kind: 'redirect'; readonly location: string } | ({ readonly kind: 'response' } & BoundedGetResponse);

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export async function boundedGet(url: string, options: BoundedGetOptions): Promise<BoundedGetResponse> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const hop = await getOnce(current, options);
    if (hop.kind === 'response') return hop;
    if (redirects >= options.maxRedirects) {
      throw new TrackerError('TOO_MANY_REDIRECTS', `more than ${options.maxRedirects} redirects`, { url });
    }
    const next = resolveLocation(hop.location, current);
    if (next === undefined) {
      throw new TrackerError('TOO_MANY_REDIRECTS', `redirect to an unusable location ${JSON.stringify(hop.location)}`, { url });
    }
    current = next;
  }
}

/** The absolute http(s) URL a Location header points to, or undefined for anything else. */
function resolveLocation(location: string, base: string): string | undefined {
  try {
    const next = new URL(location, base);
    return next.protocol === 'http:' || next.protocol === 'https:' ? next.href : undefined;
  } catch {
    return undefined;
  }
}

function getOnce(url: string, options: BoundedGetOptions): Promise<Hop> {
  return new Promise<Hop>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: Hop | TrackerError): void => {
      if (settled) return;
      settled = true;
      if (outcome instanceof TrackerError) {
        request.destroy();
        reject(outcome);
      } else {
        resolve(outcome);
      }
    };
    const failure = (cause: unknown): TrackerError =>
      options.signal.aborted
        ? abortError(options.signal, url)
        : new TrackerError('NETWORK', `HTTP request failed: ${cause instanceof Error ? cause.message : String(cause)}`, { url, cause });

    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    // agent: false (one connection per request, `Connection: close`): announces are minutes apart,
    // and trackers such as opentracker close the connection after each answer, which turns a reused
    // keep-alive socket into "socket hang up".
    const request = transport.get(target, { agent: false, signal: options.signal, headers: { ...options.headers, 'accept-encoding': 'gzip' } }, (response) => {
      // Registered first: a response destroyed early (redirect, over the cap) may emit 'error', and
      // an unheard 'error' event would crash the process.
      response.on('error', (e) => settle(failure(e)));
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        settle({ kind: 'redirect', location });
        request.destroy(); // the redirect's own body is of no interest
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        settle(tooLarge(url, options.maxBytes));
        return;
      }
      let body: Readable = response;
      if (response.headers['content-encoding'] === 'gzip') {
        // Capped after decoding, so a small compressed body cannot expand past maxBytes.
        const gunzip = zlib.createGunzip();
        response.once('error', (e) => gunzip.destroy(e));
        // pipe() ends gunzip only on 'end'; a connection cut mid-body must fail it too.
        response.on('close', () => {
          if (!response.complete) gunzip.destroy(new Error('connection closed before the response ended'));
        });
        body = response.pipe(gunzip);
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      body.on('data', (chunk: Uint8Array) => {
        total += chunk.length;
        if (total > options.maxBytes) {
          body.destroy();
          settle(tooLarge(url, options.maxBytes));
        } else {
          chunks.push(chunk);
        }
      });
      body.on('end', () => settle({ kind: 'response', status, body: concat(chunks, total), url }));
      body.on('error', (e) => settle(failure(e)));
      body.on('close', () => settle(failure(new Error('connection closed before the response ended'))));
    });
    request.on('error', (e) => settle(failure(e)));
  });
}

function tooLarge(url: string, maxBytes: number): TrackerError {
  return new TrackerError('RESPONSE_TOO_LARGE', `response body over ${maxBytes} bytes`, { url });
}

/** One Uint8Array (not a Buffer) holding every chunk. */
function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
