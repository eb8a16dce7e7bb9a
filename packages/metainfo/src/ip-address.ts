// IP addresses as text <-> bytes: the one formatter every package uses, so a peer has a single
// spelling wherever it was learned (tracker, PEX, magnet, DHT) and deduplicates by its host string.
// Text out is canonical: dotted quad for IPv4 and for IPv4-mapped IPv6 (::ffff:a.b.c.d is the same
// host as a.b.c.d, and dialling either reaches it), RFC 5952 for the rest of IPv6.

export type AddressFamily = 4 | 6;

/** 4 bytes for dotted-quad text (no leading zeros, each part 0..255), otherwise undefined. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** 16 bytes for IPv6 text in any RFC 4291 spelling (with `::` and an IPv4 tail), otherwise undefined. */
export function parseIPv6(text: string): Uint8Array | undefined {
  let body = text;
  let tail: number[] = [];
  // An embedded IPv4 tail ("::ffff:1.2.3.4") stands for the last two 16-bit words.
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = lastColon === -1 ? undefined : parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    body = text.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const want = 8 - tail.length;
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = hexWords(halves[0] ?? '');
  const rest = halves.length === 2 ? hexWords(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const missing = want - head.length - rest.length;
    if (missing < 1) return undefined;
    words = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== want) return undefined;
    words = head;
  }
  words.push(...tail);
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

function hexWords(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  for (const g of s.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** 4 or 16 bytes for IPv4 or IPv6 text; undefined for anything else (host names included). */
export function parseIpAddress(text: string): Uint8Array | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or undefined. */
export function unmapIPv4(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16) return undefined;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return bytes.subarray(12);
}

/**
 * Canonical text for a 4- or 16-byte address (see the file comment). Callers check the length:
 * any other length is a programming error and throws a RangeError.
 */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new RangeError(`an IP address is 4 or 16 bytes, got ${bytes.length}`);
  const v4 = unmapIPv4(bytes);
  if (v4 !== undefined) return formatIpAddress(v4);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: compress the longest run (leftmost on ties) of two or more zero words.
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestAt === -1) return hex(words);
  return `${hex(words.slice(0, bestAt))}::${hex(words.slice(bestAt + bestLength))}`;
}

/**
 * The canonical spelling of an IP literal ("::FFFF:1.2.3.4" -> "1.2.3.4", "2001:0db8::0:1" ->
 * "2001:db8::1"); a host name is returned unchanged.
 */
export function canonicalHost(host: string): string {
  const bytes = parseIpAddress(host);
  return bytes === undefined ? host : formatIpAddress(bytes);
}
