// IP address text <-> bytes for the DHT: the parsing and formatting are metainfo's (one spelling of
// an address across the client); here only the family, the zone index and the local-address test.
import { formatIpAddress, parseIPv4, parseIPv6 } from '@typetorrent/metainfo';

export type IpFamily = 4 | 6;

export interface ParsedIp {
  readonly family: IpFamily;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export function parseIp(host: string): ParsedIp | undefined {
  const v4 = parseIPv4(host);
  if (v4) return { family: 4, bytes: v4 };
  // A zone index (fe80::1%eth0) names the interface, not the address.
  const zone = host.indexOf('%');
  const v6 = parseIPv6(zone === -1 ? host : host.slice(0, zone));
  return v6 ? { family: 6, bytes: v6 } : undefined;
}

/** Dotted IPv4 for 4 bytes; RFC 5952 text for 16 (an IPv4-mapped address reads as IPv4). */
export function formatIp(bytes: Uint8Array): string {
  return formatIpAddress(bytes);
}

export function ipFamily(host: string): IpFamily | undefined {
  return parseIp(host)?.family;
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
