// Compact peer lists: BEP 23 (IPv4, 6 bytes each: address then big-endian port) and BEP 7
// (IPv6, 18 bytes each). BEP 15 announce replies use the same layouts.
import { TrackerError } from '../errors.js';
import type { Peer } from '../types.js';
import { formatIPv4, formatIPv6 } from './bytes.js';

export type AddressFamily = 4 | 6;

export function compactPeerSize(family: AddressFamily): number {
  return family === 4 ? 6 : 18;
}

/**
 * Decodes a compact peer list. A length that is not a whole number of entries means the list was
 * cut short or uses the other family, so it is rejected rather than guessed at. Entries with port
 * 0 cannot be dialled and are left out.
 */
export function decodeCompactPeers(bytes: Uint8Array, family: AddressFamily): Peer[] {
  const size = compactPeerSize(family);
  if (bytes.length % size !== 0) {
    throw new TrackerError(
      'MALFORMED_RESPONSE',
      `compact IPv${family} peer list is ${bytes.length} bytes, not a multiple of ${size}`,
    );
  }
  const peers: Peer[] = [];
  const addressLength = size - 2;
  for (let at = 0; at < bytes.length; at += size) {
    const port = (bytes[at + addressLength]! << 8) | bytes[at + addressLength + 1]!;
    if (port === 0) continue;
    const host = family === 4 ? formatIPv4(bytes, at) : formatIPv6(bytes, at);
    peers.push({ host, port });
  }
  return peers;
}
