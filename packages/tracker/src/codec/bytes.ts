// Small byte helpers shared by the codecs. Pure functions, no Buffer (public values are Uint8Array).

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

/** Bencode dict keys arrive as latin1 strings (one char per byte); this turns one back into bytes. */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

// RFC 3986 unreserved characters pass through; every other byte becomes %XX. BEP 3 requires the
// info_hash and peer_id to be escaped this way as raw bytes (not as UTF-8 text).
function isUnreserved(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e // - . _ ~
  );
}

export function percentEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreserved(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]!.toUpperCase()}${HEX[b & 15]!.toUpperCase()}`;
  }
  return out;
}

/** Decodes text for display; invalid UTF-8 becomes U+FFFD rather than an error. */
export function displayText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
