// UTF-8 sizing and writing for the encoder, by hand: strings are usually short keys, where a loop
// beats TextEncoder's per-call cost, and sizing first lets the length prefix be written up front.
import { unencodable } from './errors.js';

/**
 * UTF-8 byte length of `s`. Throws UNENCODABLE on a lone surrogate: TextEncoder would write U+FFFD,
 * silently changing the value and possibly making two distinct keys equal.
 */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw unencodable(`string has a lone surrogate at index ${i}`);
      }
      // The pair is 2 UTF-16 units and 4 UTF-8 bytes.
      n += 2;
      i++;
    } else {
      n += 2;
    }
  }
  return n;
}

/** Writes `s` as UTF-8 at `pos`; the caller has sized `out` with utf8Length. Returns the end offset. */
export function writeUtf8(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      // utf8Length has already checked that a low surrogate follows.
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[pos++] = 0xf0 | (c >> 18);
      out[pos++] = 0x80 | ((c >> 12) & 0x3f);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    } else {
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

/**
 * Orders strings by their UTF-8 bytes, which is Unicode code point order. Plain `<` compares UTF-16
 * units and disagrees when a surrogate pair meets a char in U+E000-U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
