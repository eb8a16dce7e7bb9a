// Magnet URIs (BEP 9): `magnet:?xt=urn:btih:<info-hash>&dn=<name>&tr=<tracker>&ws=<web seed>
// &x.pe=<host:port>&xl=<length>`, with BEP 52's `xt=urn:btmh:<multihash>` for v2 info-hashes.
//
// Policy (README): `xt` is required and strict. A v2-only magnet (btmh without btih) is rejected with
// V2_NOT_SUPPORTED, because every layer here needs a v1 info-hash; a hybrid magnet parses, keeping
// its multihashes. The optional parameters are lenient: an x.pe or xl that does not parse is dropped.
import { MetainfoError } from './errors.js';
import { base32ToBytes, hexToBytes, toHex } from './hex.js';
import type { Metainfo } from './metainfo.js';

export interface MagnetLink {
  /** 20-byte v1 info-hash. */
  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  /** `dn`: display name; advisory only, the real name comes with the metadata. */
  readonly name?: string;
  /** `tr`: tracker URLs in order, deduplicated. */
  readonly trackers: string[];
  /** `ws`: web seeds (BEP 19). */
  readonly webSeeds: string[];
  /** `x.pe`: peer addresses as `host:port` (`[v6]:port` for IPv6). */
  readonly peers: string[];
  /** `xl`: total length in bytes. */
  readonly exactLength?: number;
  /** `xt=urn:btmh:` values in lowercase hex (BEP 52: 0x12 0x20 + SHA-256 for a v2 info-hash). */
  readonly multihashes: string[];
}

const BTIH = 'urn:btih:';
const BTMH = 'urn:btmh:';

export function parseMagnet(uri: string): MagnetLink {
  const trimmed = uri.trim();
  if (!/^magnet:\?/i.test(trimmed)) throw new MetainfoError('BAD_MAGNET', '', "a magnet link starts with 'magnet:?'");
  let infoHash: Uint8Array | undefined;
  let name: string | undefined;
  let exactLength: number | undefined;
  const trackers: string[] = [];
  const webSeeds: string[] = [];
  const peers: string[] = [];
  const multihashes: string[] = [];

  for (const [key, value] of queryPairs(trimmed.slice('magnet:?'.length))) {
    switch (key) {
      case 'xt': {
        const lower = value.toLowerCase();
        if (lower.startsWith(BTIH)) {
          const hash = btihBytes(value.slice(BTIH.length));
          if (infoHash !== undefined && toHex(infoHash) !== toHex(hash)) {
            throw new MetainfoError('BAD_MAGNET', 'xt', 'two different urn:btih info-hashes');
          }
          infoHash = hash;
        } else if (lower.startsWith(BTMH)) {
          addOnce(multihashes, btmhHex(value.slice(BTMH.length)));
        }
        // Other URN kinds (ed2k, sha1, ...) belong to other networks and are ignored.
        break;
      }
      case 'dn':
        name = value;
        break;
      case 'tr':
        if (value !== '') addOnce(trackers, value);
        break;
      case 'ws':
        if (value !== '') addOnce(webSeeds, value);
        break;
      case 'x.pe':
        if (isPeerAddress(value)) addOnce(peers, value);
        break;
      case 'xl':
        if (/^\d{1,16}$/.test(value) && Number.isSafeInteger(Number(value))) exactLength = Number(value);
        break;
      default:
        break;
    }
  }

  if (infoHash === undefined) {
    if (multihashes.length > 0) {
      throw new MetainfoError('V2_NOT_SUPPORTED', 'xt', 'this magnet has only a BitTorrent v2 info-hash (urn:btmh); a v1 urn:btih is needed');
    }
    throw new MetainfoError('BAD_MAGNET', 'xt', 'no urn:btih info-hash');
  }
  return {
    infoHash,
    infoHashHex: toHex(infoHash),
    ...(name === undefined ? {} : { name }),
    trackers,
    webSeeds,
    peers,
    ...(exactLength === undefined ? {} : { exactLength }),
    multihashes,
  };
}

export interface MagnetInput {
  readonly infoHash: Uint8Array;
  readonly name?: string;
  readonly trackers?: readonly string[];
  readonly webSeeds?: readonly string[];
  readonly peers?: readonly string[];
  readonly exactLength?: number;
  readonly multihashes?: readonly string[];
}

/** A magnet URI with the info-hash in lowercase hex and every value percent-encoded. */
export function formatMagnet(m: MagnetInput): string {
  if (m.infoHash.length !== 20) {
    throw new MetainfoError('BAD_INFO_HASH', 'infoHash', `expected 20 bytes, got ${m.infoHash.length}`);
  }
  const parts = [`xt=${BTIH}${toHex(m.infoHash)}`];
  for (const multihash of m.multihashes ?? []) parts.push(`xt=${BTMH}${multihash.toLowerCase()}`);
  if (m.name !== undefined) parts.push(`dn=${encodeURIComponent(m.name)}`);
  if (m.exactLength !== undefined) parts.push(`xl=${m.exactLength}`);
  for (const tracker of m.trackers ?? []) parts.push(`tr=${encodeURIComponent(tracker)}`);
  for (const seed of m.webSeeds ?? []) parts.push(`ws=${encodeURIComponent(seed)}`);
  for (const peer of m.peers ?? []) parts.push(`x.pe=${encodeURIComponent(peer)}`);
  return `magnet:?${parts.join('&')}`;
}

/** key/value pairs of a query string; `tr.1`-style numbered keys lose their suffix. */
function* queryPairs(query: string): Generator<[string, string]> {
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const key = decodeParam(rawKey, 'parameter name').toLowerCase().replace(/\.\d+$/, '');
    yield [key, eq < 0 ? '' : decodeParam(part.slice(eq + 1), key)];
  }
}

/** Percent-decoding, with '+' as a space as in HTML form encoding (what most clients emit for dn). */
function decodeParam(text: string, field: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (error) {
    throw new MetainfoError('BAD_MAGNET', field, `malformed percent-encoding in ${JSON.stringify(text.slice(0, 80))}`, { cause: error });
  }
}

/** BEP 9: 40 hex characters, or 32 base32 characters for compatibility with older links. */
function btihBytes(text: string): Uint8Array {
  const bytes = text.length === 40 ? hexToBytes(text) : text.length === 32 ? base32ToBytes(text) : undefined;
  if (bytes === undefined) {
    throw new MetainfoError('BAD_INFO_HASH', 'xt', `urn:btih needs 40 hex or 32 base32 characters, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  return bytes;
}

/** BEP 52: a multihash, for v2 0x12 (sha2-256) 0x20 (32 bytes) then the digest, in hex. */
function btmhHex(text: string): string {
  const bytes = hexToBytes(text);
  if (bytes === undefined || bytes.length !== 34 || bytes[0] !== 0x12 || bytes[1] !== 0x20) {
    throw new MetainfoError('BAD_MAGNET', 'xt', `urn:btmh needs a sha2-256 multihash (1220 + 64 hex), got ${JSON.stringify(text.slice(0, 80))}`);
  }
  return text.toLowerCase();
}

function isPeerAddress(text: string): boolean {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (match === null) return false;
  const port = Number(match[3]);
  return port >= 1 && port <= 65535;
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** The magnet for a parsed torrent: info-hash(es), name, every tracker in tier order, web seeds. */
export function metainfoToMagnet(meta: Metainfo): MagnetLink {
  return {
    infoHash: meta.infoHash,
    infoHashHex: meta.infoHashHex,
    name: meta.name,
    trackers: [...new Set(meta.announce.flat())],
    webSeeds: [...meta.urlList],
    peers: [],
    exactLength: meta.totalLength,
    // BEP 52: a hybrid torrent is in both swarms, so its magnet carries both info-hashes.
    multihashes: meta.infoHashV2 === undefined ? [] : [`1220${toHex(meta.infoHashV2)}`],
  };
}
