// Conversions between bytes and JS strings. Latin1 here means "one char per byte, code 0-255":
// WHATWG TextDecoder('latin1') is really windows-1252 and remaps 0x80-0x9F, so it is not used.

/**
 * True for any Uint8Array (Buffers included), even one made in another realm (a vm context, jest's
 * sandbox) where `instanceof` fails; instanceof is tried first as the cheap common case.
 */
export function isUint8Array(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array || Object.prototype.toString.call(v) === '[object Uint8Array]';
}

/** Chars converted per String.fromCharCode call; keeps the argument list well under engine limits. */
const CHUNK = 8192;

/** Bytes to a latin1 string, one char per byte, lossless for any input. */
export function bytesToLatin1(b: Uint8Array): string {
  if (b.length <= CHUNK) return Reflect.apply(String.fromCharCode, null, b) as string;
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += CHUNK) {
    parts.push(Reflect.apply(String.fromCharCode, null, b.subarray(i, i + CHUNK)) as string);
  }
  return parts.join('');
}

/**
 * A latin1 string back to bytes. Throws RangeError if a char is above U+00FF, since such a string
 * was not produced from bytes and truncating it would silently change the key.
 */
export function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`bencode: char U+${c.toString(16).padStart(4, '0')} at index ${i} is not a latin1 byte`);
    out[i] = c;
  }
  return out;
}

/** True when every char of `s` is a byte (U+0000-U+00FF). */
export function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

// fatal: malformed UTF-8 must throw rather than turn into U+FFFD; ignoreBOM: keep a leading BOM as
// data, because the bytes are a value and not a document.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decode. Throws a TypeError (from TextDecoder), not a BencodeError, on malformed input. */
export function utf8(b: Uint8Array): string {
  return strictUtf8.decode(b);
}

/** In-range read; callers pass only indices below the array's length. */
const at = (b: Uint8Array, i: number): number => b[i] as number;
const fromCodes = String.fromCharCode;

/** Up to 8 bytes as one fromCharCode call with explicit arguments: no view, no argument array. */
function shortLatin1(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return fromCodes(at(b, s));
    case 2: return fromCodes(at(b, s), at(b, s + 1));
    case 3: return fromCodes(at(b, s), at(b, s + 1), at(b, s + 2));
    case 4: return fromCodes(at(b, s), at(b, s + 1), at(b, s + 2), at(b, s + 3));
    case 5: return fromCodes(at(b, s), at(b, s + 1), at(b, s + 2), at(b, s + 3), at(b, s + 4));
    case 6: return fromCodes(at(b, s), at(b, s + 1), at(b, s + 2), at(b, s + 3), at(b, s + 4), at(b, s + 5));
    case 7: return fromCodes(at(b, s), at(b, s + 1), at(b, s + 2), at(b, s + 3), at(b, s + 4), at(b, s + 5), at(b, s + 6));
    default: return fromCodes(at(b, s), at(b, s + 1), at(b, s + 2), at(b, s + 3), at(b, s + 4), at(b, s + 5), at(b, s + 6), at(b, s + 7));
  }
}

/** Longest range converted 8 bytes at a time; past it, one bulk call on a view is cheaper. */
const SHORT_RANGE = 64;

/**
 * input[start, end) as a latin1 string, for dict keys. Keys are short and numerous, and measured on
 * Node 20 the explicit-argument path is about 3x faster than creating a subarray and applying
 * fromCharCode to it.
 */
export function latin1Range(input: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 8) return shortLatin1(input, start, n);
  if (n > SHORT_RANGE) return bytesToLatin1(input.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i += 8) s += shortLatin1(input, i, Math.min(8, end - i));
  return s;
}

/** Lexicographic comparison of a[aStart, aEnd) and b[bStart, bEnd) as unsigned bytes. */
export function compareByteRanges(
  a: Uint8Array, aStart: number, aEnd: number,
  b: Uint8Array, bStart: number, bEnd: number,
): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = (a[aStart + i] ?? 0) - (b[bStart + i] ?? 0);
    if (d !== 0) return d;
  }
  return (aEnd - aStart) - (bEnd - bStart);
}
