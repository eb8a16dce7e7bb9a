// IP text <-> bytes for this package's callers (ut_pex, the BEP 6 allowed-fast set). The parsing and
// the canonical text live in @typetorrent/metainfo, shared with the tracker so both spell a peer
// the same way; these wrappers only turn a bad argument into this package's WireError.
import { formatIpAddress, parseIpAddress } from '@typetorrent/metainfo';
import { invalidArgument } from './errors.js';

export { unmapIPv4 } from '@typetorrent/metainfo';

/** 4 or 16 bytes for an IPv4 or IPv6 address in text; throws `invalid-argument` on anything else. */
export function parseIp(text: string): Uint8Array {
  const bytes = parseIpAddress(text);
  if (bytes === undefined) throw invalidArgument('host', `not an IP address: ${JSON.stringify(text)}`);
  return bytes;
}

/** Dotted quad (also for IPv4-mapped IPv6) or RFC 5952 text; throws `invalid-argument` unless 4 or 16 bytes. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length !== 4 && bytes.length !== 16) throw invalidArgument('ip', `must be 4 or 16 bytes, got ${bytes.length}`);
  return formatIpAddress(bytes);
}
