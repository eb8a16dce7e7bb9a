// BEP 15 response packets. A packet is matched to its request by transaction id before it is
// decoded, so `readUdpHeader` is separate: packets too short to carry one are simply not ours.
import { TrackerError } from '../errors.js';
import type { Peer } from '../types.js';
import { displayText } from './bytes.js';
import { decodeCompactPeers, type AddressFamily } from './compact-peers.js';
import { UDP_ACTION } from './udp-requests.js';

export interface UdpScrapeRecord {
  readonly seeders: number;
  readonly completed: number;
  readonly leechers: number;
}

export type UdpResponse =
  | { readonly action: 'connect'; readonly transactionId: number; readonly connectionId: bigint }
  | {
      readonly action: 'announce';
      readonly transactionId: number;
      /** Seconds. */
      readonly interval: number;
      readonly leechers: number;
      readonly seeders: number;
      readonly peers: readonly Peer[];
    }
  | { readonly action: 'scrape'; readonly transactionId: number; readonly records: readonly UdpScrapeRecord[] }
  | { readonly action: 'error'; readonly transactionId: number; readonly message: string }
  /**
   * Only the 8-byte header of an announce or scrape reply, nothing after it. opentracker answers this
   * way for an info-hash it does not track (whitelist mode); it is a refusal, not a short read.
   */
  | { readonly action: 'empty'; readonly transactionId: number; readonly replyTo: 'announce' | 'scrape' };

export interface UdpHeader {
  readonly action: number;
  readonly transactionId: number;
}

export const UDP_HEADER_SIZE = 8;
const CONNECT_RESPONSE_SIZE = 16;
const ANNOUNCE_RESPONSE_FIXED = 20;
const SCRAPE_RECORD_SIZE = 12;

/** The action and transaction id, or undefined for packets under 8 bytes. */
export function readUdpHeader(packet: Uint8Array): UdpHeader | undefined {
  if (packet.length < UDP_HEADER_SIZE) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return { action: view.getUint32(0), transactionId: view.getUint32(4) };
}

function malformed(message: string): TrackerError {
  return new TrackerError('MALFORMED_RESPONSE', message);
}

/**
 * Decodes a response. `family` is the address family of the socket the reply came in on: BEP 15
 * says IPv4 sockets get 6-byte peers and IPv6 sockets 18-byte peers, whatever the peers' own family.
 */
export function decodeUdpResponse(packet: Uint8Array, family: AddressFamily): UdpResponse {
  const head = readUdpHeader(packet);
  if (head === undefined) throw malformed(`UDP reply is ${packet.length} bytes, shorter than its ${UDP_HEADER_SIZE}-byte header`);
  const { action, transactionId } = head;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  switch (action) {
    case UDP_ACTION.connect:
      if (packet.length < CONNECT_RESPONSE_SIZE) throw malformed(`UDP connect reply is ${packet.length} bytes, needs ${CONNECT_RESPONSE_SIZE}`);
      return { action: 'connect', transactionId, connectionId: view.getBigUint64(8) };
    case UDP_ACTION.announce:
      if (packet.length === UDP_HEADER_SIZE) return { action: 'empty', transactionId, replyTo: 'announce' };
      if (packet.length < ANNOUNCE_RESPONSE_FIXED) {
        throw malformed(`UDP announce reply is ${packet.length} bytes, needs at least ${ANNOUNCE_RESPONSE_FIXED}`);
      }
      return {
        action: 'announce',
        transactionId,
        // BEP 15 declares these int32; read unsigned so a tracker sending large counts is not negative.
        interval: view.getUint32(8),
        leechers: view.getUint32(12),
        seeders: view.getUint32(16),
        peers: decodeCompactPeers(packet.subarray(ANNOUNCE_RESPONSE_FIXED), family),
      };
    case UDP_ACTION.scrape: {
      if (packet.length === UDP_HEADER_SIZE) return { action: 'empty', transactionId, replyTo: 'scrape' };
      const body = packet.length - UDP_HEADER_SIZE;
      if (body % SCRAPE_RECORD_SIZE !== 0) throw malformed(`UDP scrape reply body is ${body} bytes, not a multiple of ${SCRAPE_RECORD_SIZE}`);
      const records: UdpScrapeRecord[] = [];
      for (let at = UDP_HEADER_SIZE; at < packet.length; at += SCRAPE_RECORD_SIZE) {
        records.push({ seeders: view.getUint32(at), completed: view.getUint32(at + 4), leechers: view.getUint32(at + 8) });
      }
      return { action: 'scrape', transactionId, records };
    }
    case UDP_ACTION.error:
      return { action: 'error', transactionId, message: displayText(packet.subarray(UDP_HEADER_SIZE)) };
    default:
      throw malformed(`UDP reply has unknown action ${action}`);
  }
}
