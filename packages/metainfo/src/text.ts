// Text fields. BEP 3 says every text string is UTF-8, but old torrents carry other encodings. The
// policy (README): a valid `<key>.utf-8` twin wins; otherwise the plain key is decoded as UTF-8, and
// bytes that are not UTF-8 become U+FFFD with an INVALID_UTF8 warning rather than failing the torrent,
// since names only choose where data is saved and never affect the hashes.
import { isBytes, utf8 } from '@typetorrent/bencode';
import type { BencodeDict } from '@typetorrent/bencode';
import type { MetainfoWarning } from './errors.js';

const lossyUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Strict UTF-8, or undefined if the bytes are not UTF-8. */
export function strictText(bytes: Uint8Array): string | undefined {
  try {
    return utf8(bytes);
  } catch {
    return undefined;
  }
}

/** UTF-8 with U+FFFD for malformed sequences, recording a warning when any were replaced. */
export function lossyText(bytes: Uint8Array, field: string, warnings: MetainfoWarning[]): string {
  const strict = strictText(bytes);
  if (strict !== undefined) return strict;
  warnings.push({ code: 'INVALID_UTF8', field, message: 'not valid UTF-8; malformed bytes shown as U+FFFD' });
  return lossyUtf8.decode(bytes);
}

/**
 * The text of `key`, preferring a `<key>.utf-8` twin (written by some clients next to a legacy
 * encoding) when it is a valid UTF-8 string. `primary` is the already-type-checked plain value.
 */
export function preferUtf8Twin(
  dict: BencodeDict, key: string, primary: Uint8Array, field: string, warnings: MetainfoWarning[],
): string {
  const twin = dict.get(`${key}.utf-8`);
  if (isBytes(twin)) {
    const text = strictText(twin);
    if (text !== undefined) return text;
  }
  return lossyText(primary, field, warnings);
}
