// A .torrent given as an http(s) URL, as trackers' and distributions' pages link them: fetched with a
// size cap and a time limit, then parsed like a file. Redirects are followed (fetch's default, at most
// 20); the cap is checked on the declared length and again while reading, so a lying server cannot
// make us hold more than the cap.
import { CliError, EXIT_BAD_INPUT } from './errors.js';

/** A .torrent of a million-piece torrent is about 20 MiB; metainfo's own parse limit is 64 MiB. */
export const MAX_TORRENT_URL_BYTES = 32 * 1024 * 1024;
export const TORRENT_URL_TIMEOUT_MS = 30_000;

export interface FetchTorrentOptions {
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The URL without its query (which may hold a passkey), for messages. */
function shown(url: string): string {
  return url.replace(/[?#].*$/s, '?…').slice(0, 200);
}

export async function fetchTorrentBytes(url: string, options: FetchTorrentOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? MAX_TORRENT_URL_BYTES;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? TORRENT_URL_TIMEOUT_MS);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  const fail = (problem: string, cause?: unknown): CliError => new CliError(`${shown(url)}: ${problem}`, EXIT_BAD_INPUT, { cause });
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/x-bittorrent, */*' } });
  } catch (error) {
    throw timeout.aborted ? fail(`no answer within ${(options.timeoutMs ?? TORRENT_URL_TIMEOUT_MS) / 1000} s`, error) : fail(`could not fetch it (${causeText(error)})`, error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw fail(`the server answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw fail(`${declared} bytes is more than a .torrent file can be (limit ${maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw fail(`more than ${maxBytes} bytes: not a .torrent file`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw timeout.aborted ? fail(`not received within ${(options.timeoutMs ?? TORRENT_URL_TIMEOUT_MS) / 1000} s`, error) : fail(`the download broke off (${causeText(error)})`, error);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function causeText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
