// IP address text <-> bytes, written here because the core may not import node:net.

export type IpFamily = 4 | 6;

export interface ParsedIp {
  readonly family: IpFamily;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export function parseIp(host: string): ParsedIp | undefined {
  const v4 = parseIPv4(host);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(host);
  return v6 ? { family: 6, bytes: v6 } : undefined;
}

export function ipFamily(host: string): IpFamily | undefined {
  return parseIp(host)?.family;
}

function parseIPv4(host: string): Uint8Array | undefined {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIPv6(host: string): Uint8Array | undefined {
  const zone = host.indexOf('%');
  const text = zone === -1 ? host : host.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const words: number[] = [];
  const pushGroups = (list: string[], into: number[]): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (i === list.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g); // an embedded IPv4 tail, as in ::ffff:1.2.3.4
        if (!v4) return false;
        into.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) into.push(parseInt(g, 16));
      else return false;
    }
    return true;
  };
  const tailWords: number[] = [];
  if (!pushGroups(head, words) || !pushGroups(tail, tailWords)) return undefined;
  const missing = 8 - words.length - tailWords.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  for (let i = 0; i < missing; i++) words.push(0);
  words.push(...tailWords);
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Dotted IPv4 for 4 bytes; for 16 bytes the full form with zero runs compressed. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Loopback, private (RFC 1918), link-local and unique-local addresses: exempt from BEP 42. */
export function isLocalAddress(ip: ParsedIp): boolean {
  const b = ip.bytes;
  if (ip.family === 4) {
    return b[0] === 10 || b[0] === 127 || (b[0] === 172 && (b[1]! & 0xf0) === 16) ||
      (b[0] === 192 && b[1] === 168) || (b[0] === 169 && b[1] === 254);
  }
  const loopback = b.every((x, i) => (i === 15 ? x === 1 : x === 0));
  return loopback || (b[0]! & 0xfe) === 0xfc || (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80);
}

/** `host:port`, bracketing IPv6: a map key that tells apart peers sharing one IP (loopback swarms). */
export function addressKey(address: { host: string; port: number }): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
