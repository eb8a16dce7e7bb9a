// Checks on what the caller asks for, before anything is encoded: a wrong-length hash or a negative
// byte count would otherwise go out on the wire and come back as a confusing tracker error.
import { TrackerError } from '../errors.js';
import type { AnnounceRequest } from '../types.js';

/** Info-hashes and peer ids are 20 bytes everywhere in BEP 3 and BEP 15. */
export const HASH_LENGTH = 20;

/** BEP 15 scrape: "up to about 74 torrents can be scraped at once" (a full scrape fits one packet). */
export const MAX_UDP_SCRAPE_HASHES = 74;

function invalid(message: string): TrackerError {
  return new TrackerError('INVALID_REQUEST', message);
}

function checkByteCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${name} must be a non-negative integer, got ${value}`);
}

function checkUint32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw invalid(`${name} must be a uint32, got ${value}`);
}

export function checkInfoHash(infoHash: Uint8Array): void {
  if (infoHash.length !== HASH_LENGTH) throw invalid(`info-hash must be ${HASH_LENGTH} bytes, got ${infoHash.length}`);
}

export function checkAnnounceRequest(request: AnnounceRequest): void {
  checkInfoHash(request.infoHash);
  if (request.peerId.length !== HASH_LENGTH) throw invalid(`peer id must be ${HASH_LENGTH} bytes, got ${request.peerId.length}`);
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 0xffff) {
    throw invalid(`port must be 1-65535, got ${request.port}`);
  }
  checkByteCount('uploaded', request.uploaded);
  checkByteCount('downloaded', request.downloaded);
  checkByteCount('left', request.left);
  // numwant is an int32 in BEP 15; nobody needs more than that many peers.
  if (request.numWant !== undefined && (!Number.isInteger(request.numWant) || request.numWant < 0 || request.numWant > 0x7fffffff)) {
    throw invalid(`numWant must be a non-negative int32, got ${request.numWant}`);
  }
  if (request.key !== undefined) checkUint32('key', request.key);
}

export function checkInfoHashes(infoHashes: readonly Uint8Array[], max: number): void {
  if (infoHashes.length === 0) throw invalid('scrape needs at least one info-hash');
  if (infoHashes.length > max) throw invalid(`at most ${max} info-hashes per scrape, got ${infoHashes.length}`);
  for (const h of infoHashes) checkInfoHash(h);
}
