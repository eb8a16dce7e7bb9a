// BEP 15 request packets. All fields are big-endian; sizes are fixed: connect 16 bytes, announce 98,
// scrape 16 + 20 per info-hash.
import type { AnnounceEvent, AnnounceRequest } from '../types.js';
import { checkAnnounceRequest, checkInfoHashes, MAX_UDP_SCRAPE_HASHES } from './request.js';

/** BEP 15: the magic connection id of a connect request. */
export const UDP_PROTOCOL_ID = 0x41727101980n;

/** BEP 15 action numbers. */
export const UDP_ACTION = { connect: 0, announce: 1, scrape: 2, error: 3 } as const;

/** BEP 15 event numbers (not the same order as the HTTP names suggest). */
const EVENT_NUMBER: Record<AnnounceEvent, number> = { none: 0, completed: 1, started: 2, stopped: 3 };

export const CONNECT_REQUEST_SIZE = 16;
export const ANNOUNCE_REQUEST_SIZE = 98;

function header(size: number, connectionId: bigint, action: number, transactionId: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, connectionId);
  view.setUint32(8, action);
  view.setUint32(12, transactionId >>> 0);
  return { bytes, view };
}

export function encodeConnectRequest(transactionId: number): Uint8Array {
  return header(CONNECT_REQUEST_SIZE, UDP_PROTOCOL_ID, UDP_ACTION.connect, transactionId).bytes;
}

export function encodeAnnounceRequest(connectionId: bigint, transactionId: number, request: AnnounceRequest): Uint8Array {
  checkAnnounceRequest(request);
  const { bytes, view } = header(ANNOUNCE_REQUEST_SIZE, connectionId, UDP_ACTION.announce, transactionId);
  bytes.set(request.infoHash, 16);
  bytes.set(request.peerId, 36);
  view.setBigUint64(56, BigInt(request.downloaded));
  view.setBigUint64(64, BigInt(request.left));
  view.setBigUint64(72, BigInt(request.uploaded));
  view.setUint32(80, EVENT_NUMBER[request.event]);
  view.setUint32(84, 0); // IP address: 0 = use the packet's source address
  view.setUint32(88, request.key ?? 0);
  view.setInt32(92, request.numWant ?? -1); // -1 = the tracker's default
  view.setUint16(96, request.port);
  return bytes;
}

export function encodeScrapeRequest(connectionId: bigint, transactionId: number, infoHashes: readonly Uint8Array[]): Uint8Array {
  checkInfoHashes(infoHashes, MAX_UDP_SCRAPE_HASHES);
  const { bytes } = header(16 + 20 * infoHashes.length, connectionId, UDP_ACTION.scrape, transactionId);
  infoHashes.forEach((hash, i) => bytes.set(hash, 16 + 20 * i));
  return bytes;
}
