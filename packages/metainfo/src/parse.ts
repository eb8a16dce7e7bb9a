// Entry points for reading metainfo: a whole .torrent file, or a bare info dict (magnet + BEP 9).
import { BencodeError, decode, decodeWithSpans, isDict } from '@typetorrent/bencode';
import type { BencodeValue } from '@typetorrent/bencode';
import { readCreationDate, readOptionalText, readTrackers, readUrlList } from './announce.js';
import { MetainfoError } from './errors.js';
import type { MetainfoWarning } from './errors.js';
import { typeName } from './fields.js';
import { DEFAULT_MAX_TRACKERS, DEFAULT_MAX_WEB_SEEDS, readInfo } from './info-dict.js';
import type { ParseLimits } from './info-dict.js';
import { makeMetainfo } from './metainfo.js';
import type { Metainfo } from './metainfo.js';

export type ParseOptions = ParseLimits;

/** Real-world files have unsorted keys; they must still parse (and hash over their own bytes). */
const DECODE_OPTIONS = { lenientKeyOrder: true } as const;

/** Parses a .torrent file (v1, or the v1 part of a hybrid). Throws MetainfoError. */
export function parseTorrent(bytes: Uint8Array, options: ParseOptions = {}): Metainfo {
  // Only the root's members need spans (the info dict's bytes); spans below would cost a map entry
  // per container, seconds for a hostile file of a million lists.
  const decoded = decodeOrThrow(() => decodeWithSpans(bytes, { ...DECODE_OPTIONS, allowTrailing: true, spanDepth: 0 }));
  const root = decoded.value;
  if (!isDict(root)) throw new MetainfoError('WRONG_TYPE', '', `a .torrent is a dictionary, got ${typeName(root)}`);
  const warnings: MetainfoWarning[] = [];
  const rootSpan = decoded.spanOf(root);
  if (rootSpan !== undefined && rootSpan.end < bytes.length) {
    warnings.push({ code: 'TRAILING_DATA', field: '', message: `${bytes.length - rootSpan.end} bytes after the torrent were ignored` });
  }
  const info = root.get('info');
  if (info === undefined) throw new MetainfoError('MISSING_FIELD', 'info', 'required key is missing');
  if (!isDict(info)) throw new MetainfoError('WRONG_TYPE', 'info', `expected a dictionary, got ${typeName(info)}`);
  const span = decoded.spanOfKey(root, 'info');
  if (span === undefined) throw new Error('bencode returned no span for a key it decoded');
  // The info-hash is over the bytes as they are in the file, never a re-encoding: files with
  // unsorted keys would otherwise hash differently from every other client.
  const infoBytes = copyBytes(bytes, span.start, span.end);

  return makeMetainfo({
    ...readInfo(info, infoBytes, options, warnings, { input: bytes, start: span.start }),
    announce: readTrackers(root, options.maxTrackers ?? DEFAULT_MAX_TRACKERS, warnings),
    urlList: readUrlList(root, options.maxWebSeeds ?? DEFAULT_MAX_WEB_SEEDS, warnings),
    ...optional('creationDate', readCreationDate(root, warnings)),
    ...optional('comment', readOptionalText(root, 'comment', warnings)),
    ...optional('createdBy', readOptionalText(root, 'created by', warnings)),
    warnings,
  });
}

/** What a magnet link (or the caller) knows besides the info dict. */
export interface InfoDictExtra extends ParseOptions {
  readonly announce?: readonly (readonly string[])[];
  readonly urlList?: readonly string[];
}

/**
 * Parses a bare info dict, as fetched from peers with BEP 9. The same checks as parseTorrent; the
 * info-hash is computed over exactly these bytes, so the caller compares it with the one it asked for.
 */
export function parseInfoDict(infoBytes: Uint8Array, extra: InfoDictExtra = {}): Metainfo {
  const info = decodeOrThrow(() => decode(infoBytes, DECODE_OPTIONS));
  if (!isDict(info)) throw new MetainfoError('WRONG_TYPE', 'info', `expected a dictionary, got ${typeName(info)}`);
  const warnings: MetainfoWarning[] = [];
  return makeMetainfo({
    ...readInfo(info, copyBytes(infoBytes, 0, infoBytes.length), extra, warnings, { input: infoBytes, start: 0 }),
    announce: (extra.announce ?? []).map((tier) => [...tier]),
    urlList: [...(extra.urlList ?? [])],
    warnings,
  });
}

/**
 * A plain Uint8Array copy of bytes[start, end). Not `bytes.slice()`: on a Buffer that is a view of the
 * caller's memory (and a Buffer, whose species even Uint8Array#slice keeps), so a reused input buffer
 * would change a parsed torrent's infoBytes.
 */
function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

function decodeOrThrow<T extends { value: BencodeValue } | BencodeValue>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof BencodeError) {
      throw new MetainfoError('NOT_BENCODE', '', `not a valid torrent: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** `{ key: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
