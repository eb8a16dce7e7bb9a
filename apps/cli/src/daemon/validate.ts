// Typed checks of request bodies: each parser takes the decoded JSON and returns a typed request or
// throws an ApiError naming the field. Nothing reaches the session before it passed here.
import { ApiError, badRequest } from './api-error.js';
import { isActiveLimit, isPriority, isRate, type ActiveLimitSettings } from './daemon-state.js';

export type AddSource = { readonly kind: 'magnet'; readonly uri: string } | { readonly kind: 'torrent'; readonly bytes: Uint8Array };

export interface AddRequest {
  readonly source: AddSource;
  /** Absolute folder; default the daemon's download folder. */
  readonly downloadDir?: string;
  readonly paused: boolean;
  /** Indices of the files to download (the others get priority 0); default all. */
  readonly files?: readonly number[];
  readonly sequential: boolean;
  /** Peers to connect to besides what trackers and the DHT give, as host:port. */
  readonly peers?: readonly { host: string; port: number }[];
}

export interface SessionPatch {
  readonly limits?: { readonly download?: number; readonly upload?: number };
  readonly activeLimits?: ActiveLimitSettings;
}

const MAX_MAGNET_LENGTH = 64 * 1024;
const MAX_PEERS = 100;

export function parseAddRequest(body: unknown): AddRequest {
  const o = object(body, '(body)');
  allowOnly(o, ['magnet', 'torrent', 'downloadDir', 'paused', 'files', 'sequential', 'peers']);
  const magnet = o['magnet'];
  const torrent = o['torrent'];
  if ((magnet === undefined) === (torrent === undefined)) throw badRequest('give exactly one of "magnet" (a magnet link) and "torrent" (a base64 .torrent file)');
  let source: AddSource;
  if (magnet !== undefined) {
    if (typeof magnet !== 'string' || !/^magnet:\?/i.test(magnet)) throw badRequest('not a magnet link (magnet:?xt=urn:btih:...)', 'magnet');
    if (magnet.length > MAX_MAGNET_LENGTH) throw badRequest(`longer than ${MAX_MAGNET_LENGTH} characters`, 'magnet');
    source = { kind: 'magnet', uri: magnet };
  } else {
    source = { kind: 'torrent', bytes: base64(torrent, 'torrent') };
  }
  const downloadDir = o['downloadDir'];
  if (downloadDir !== undefined && (typeof downloadDir !== 'string' || !downloadDir.startsWith('/') || downloadDir.includes('\0'))) {
    throw badRequest('an absolute path on the daemon\'s machine', 'downloadDir');
  }
  const files = o['files'];
  if (files !== undefined) {
    if (!Array.isArray(files) || files.length === 0) throw badRequest('a non-empty list of file indices', 'files');
    files.forEach((f, i) => {
      if (!Number.isSafeInteger(f) || (f as number) < 0) throw badRequest('not a file index', `files[${i}]`);
    });
  }
  const peers = o['peers'];
  if (peers !== undefined && (!Array.isArray(peers) || peers.length > MAX_PEERS)) throw badRequest(`a list of at most ${MAX_PEERS} "host:port"`, 'peers');
  return {
    source,
    ...(downloadDir === undefined ? {} : { downloadDir: downloadDir as string }),
    paused: boolean(o['paused'], 'paused'),
    ...(files === undefined ? {} : { files: [...new Set(files as number[])].sort((a, b) => a - b) }),
    sequential: boolean(o['sequential'], 'sequential'),
    ...(peers === undefined ? {} : { peers: (peers as unknown[]).map((p, i) => endpoint(p, `peers[${i}]`)) }),
  };
}

/** `{"priorities": [p0, p1, ...]}`: one per file, 0 (skip) to 7. The count is checked against the torrent. */
export function parsePrioritiesRequest(body: unknown): number[] {
  const o = object(body, '(body)');
  allowOnly(o, ['priorities']);
  const list = o['priorities'];
  if (!Array.isArray(list)) throw badRequest('a list with one priority (0 skip to 7 highest) per file', 'priorities');
  list.forEach((p, i) => {
    if (!isPriority(p)) throw badRequest('a priority is a whole number from 0 (skip) to 7', `priorities[${i}]`);
  });
  return list as number[];
}

/** `{ "position": n }`: the torrent's new place in the queue, 0 first. */
export function parseQueueRequest(body: unknown): number {
  const o = object(body, '(body)');
  allowOnly(o, ['position']);
  const position = o['position'];
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) throw badRequest('a whole number of at least 0 (0 is first)', 'position');
  return position;
}

export function parseSessionPatch(body: unknown): SessionPatch {
  const o = object(body, '(body)');
  allowOnly(o, ['limits', 'activeLimits']);
  const active = parseActiveLimits(o['activeLimits']);
  if (o['limits'] === undefined) return active === undefined ? {} : { activeLimits: active };
  const limits = object(o['limits'], 'limits');
  allowOnly(limits, ['download', 'upload'], 'limits.');
  const rate = (key: 'download' | 'upload'): { [k in typeof key]?: number } => {
    const v = limits[key];
    if (v === undefined) return {};
    if (!isRate(v)) throw badRequest('bytes per second, a whole number (0: unlimited)', `limits.${key}`);
    return { [key]: v };
  };
  return { limits: { ...rate('download'), ...rate('upload') }, ...(active === undefined ? {} : { activeLimits: active }) };
}

function parseActiveLimits(v: unknown): ActiveLimitSettings | undefined {
  if (v === undefined) return undefined;
  const o = object(v, 'activeLimits');
  allowOnly(o, ['downloads', 'seeds'], 'activeLimits.');
  const limit = (key: 'downloads' | 'seeds'): ActiveLimitSettings => {
    const n = o[key];
    if (n === undefined) return {};
    if (!isActiveLimit(n)) throw badRequest('a whole number of at least 1, or null for no limit', `activeLimits.${key}`);
    return { [key]: n };
  };
  return { ...limit('downloads'), ...limit('seeds') };
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('expected a JSON object', field);
  return v as Record<string, unknown>;
}

function allowOnly(o: Record<string, unknown>, keys: readonly string[], prefix = ''): void {
  const extra = Object.keys(o).find((k) => !keys.includes(k));
  if (extra !== undefined) throw badRequest(`unknown field (expected ${keys.join(', ')})`, `${prefix}${extra}`);
}

function boolean(v: unknown, field: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw badRequest('expected true or false', field);
  return v;
}

function base64(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') throw badRequest('expected a base64 string', field);
  const text = v.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new ApiError(400, 'INVALID_TORRENT', 'not base64', field);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function endpoint(v: unknown, field: string): { host: string; port: number } {
  const m = typeof v === 'string' ? /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(v) : null;
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535) throw badRequest('a peer is "host:port" or "[v6]:port"', field);
  return { host: m[1] ?? m[2]!, port };
}
