// IP addresses as text <-> bytes, for compact peer lists (BEP 11, BEP 23/7 format) and the BEP 6
// allowed-fast set. Text output is canonical: dotted quad, and RFC 5952 for IPv6.
import { invalidArgument } from './errors.js';

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

/** 4 or 16 bytes for an IPv4 or IPv6 address in text; throws on anything else. */
export function parseIp(text: string): Uint8Array {
  const bytes = parseIPv4(text) ?? parseIPv6(text);
  if (bytes === undefined) throw invalidArgument('host', `not an IP address: ${JSON.stringify(text)}`);
  return bytes;
}

export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length !== 16) throw invalidArgument('ip', `must be 4 or 16 bytes, got ${bytes.length}`);
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

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or undefined. */
export function unmapIPv4(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16) return undefined;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return bytes.slice(12);
}
