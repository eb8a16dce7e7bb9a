// BEP 6 "Allowed Fast Set Generation": the canonical k pieces a peer may request while choked,
// derived from its IPv4 address and the info-hash so both ends compute the same set.
import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';
import { parseIp, unmapIPv4 } from './ip.js';

/**
 * The first `k` pieces of `ip`'s allowed fast set (fewer if the torrent has fewer pieces). `ip` is
 * the peer's IPv4 address as text or 4 bytes; an IPv4-mapped IPv6 address ("::ffff:a.b.c.d", as
 * node reports IPv4 peers on a dual-stack socket) counts as its IPv4 address. BEP 6 has "no
 * provisions for IPv6", so a real IPv6 address is an invalid argument.
 */
export function allowedFastSet(ip: string | Uint8Array, infoHash: Uint8Array, pieceCount: number, k: number): number[] {
  const raw = typeof ip === 'string' ? parseIp(ip) : ip;
  const v4 = raw.length === 4 ? raw : unmapIPv4(raw);
  if (v4 === undefined) throw invalidArgument('ip', 'BEP 6 defines the allowed fast set for IPv4 addresses only');
  if (infoHash.length !== 20) throw invalidArgument('infoHash', `must be 20 bytes, got ${infoHash.length}`);
  if (!Number.isSafeInteger(pieceCount) || pieceCount < 0 || pieceCount > 0xffff_ffff) {
    throw invalidArgument('pieceCount', `must be an integer in 0..2^32-1, got ${pieceCount}`);
  }
  if (!Number.isSafeInteger(k) || k < 0) throw invalidArgument('k', `must be a non-negative integer, got ${k}`);
  // With fewer pieces than k the loop below could never finish: every piece is in the set.
  const want = Math.min(k, pieceCount);
  const set: number[] = [];
  const seen = new Set<number>();
  // (1)-(2): x = (ip & 0xFFFFFF00) followed by the info-hash.
  let x: Uint8Array = new Uint8Array(24);
  x.set(v4.subarray(0, 3), 0);
  x.set(infoHash, 4);
  while (set.length < want) {
    x = createHash('sha1').update(x).digest(); // (3)
    const view = new DataView(x.buffer, x.byteOffset, x.byteLength);
    for (let i = 0; i < 5 && set.length < want; i++) {
      const index = view.getUint32(i * 4) % pieceCount; // (5)-(7)
      if (!seen.has(index)) {
        seen.add(index);
        set.push(index);
      }
    }
  }
  return set;
}
