// Compact peer lists (BEP 23 IPv4, BEP 7 IPv6; BEP 15 announce replies use the same layouts). The
// codec is @typetorrent/metainfo's, shared with peer-wire's ut_pex so a peer has one spelling
// wherever it was learned: IPv4-mapped entries read as IPv4 and port-0 entries are dropped. This
// wrapper only turns a malformed list into this package's TrackerError.
import { decodeCompactPeers as decodeCompact, MetainfoError, type AddressFamily } from '@typetorrent/metainfo';
import { TrackerError } from '../errors.js';
import type { Peer } from '../types.js';

export type { AddressFamily };

/**
 * Decodes a compact peer list. A length that is not a whole number of entries means the list was
 * cut short or uses the other family, so it is rejected (MALFORMED_RESPONSE) rather than guessed at.
 */
export function decodeCompactPeers(bytes: Uint8Array, family: AddressFamily): Peer[] {
  try {
    return decodeCompact(bytes, family, family === 4 ? 'peers' : 'peers6');
  } catch (error) {
    if (error instanceof MetainfoError) throw new TrackerError('MALFORMED_RESPONSE', error.message, { cause: error });
    throw error;
  }
}
