// Info-hash text forms: lowercase hex everywhere we print, base32 accepted in magnets (BEP 9).
import { MetainfoError } from './errors.js';

const HEX_DIGITS = '0123456789abcdef';
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!);

/**
 * Lowercase hex of any bytes. Joined, not appended: `+=` leaves V8 a tree of one string object per
 * append (about 1.2 KiB for a 40-character info-hash, kept as long as the string is), join one flat string.
 */
export function toHex(bytes: Uint8Array): string {
  const pairs = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) pairs[i] = HEX_PAIRS[bytes[i]!]!;
  return pairs.join('');
}

/** Bytes from hex text of an even length (either case); undefined if it is not hex. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A 20-byte v1 info-hash from 40 hex characters (either case). */
export function infoHashFromHex(hex: string): Uint8Array {
  const bytes = hex.length === 40 ? hexToBytes(hex) : undefined;
  if (bytes === undefined) {
    throw new MetainfoError('BAD_INFO_HASH', 'infoHash', `expected 40 hex characters, got ${JSON.stringify(clip(hex))}`);
  }
  return bytes;
}

// RFC 4648 base32 alphabet; BEP 9 allows a 32-character base32 info-hash in `xt=urn:btih:`.
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Bytes from unpadded base32 text (either case); undefined if it is not base32 of whole bytes. */
export function base32ToBytes(text: string): Uint8Array | undefined {
  const upper = text.toUpperCase();
  if ((upper.length * 5) % 8 !== 0) return undefined;
  const out = new Uint8Array((upper.length * 5) / 8);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of upper) {
    const digit = BASE32_ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
