// BEP 42 (DHT security extension): a node id's first 21 bits derive from the node's IP through CRC32-C,
// so one host cannot choose ids freely. Loopback and private addresses are exempt.
import type { RandomSource } from './env.js';
import { isLocalAddress, parseIp, type ParsedIp } from './ip.js';

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC32C_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const V4_MASK = [0x03, 0x0f, 0x3f, 0xff];
const V6_MASK = [0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff];

function prefixCrc(ip: ParsedIp, r: number): number {
  const mask = ip.family === 4 ? V4_MASK : V6_MASK;
  const masked = Uint8Array.from(mask, (m, i) => ip.bytes[i]! & m);
  masked[0] = masked[0]! | ((r & 7) << 5);
  return crc32c(masked);
}

/** Does `id` satisfy BEP 42 for `host`? Always true for loopback, private and unparsable-as-public addresses. */
export function isValidNodeId(id: Uint8Array, host: string): boolean {
  const ip = parseIp(host);
  if (!ip || isLocalAddress(ip)) return true;
  const crc = prefixCrc(ip, id[19]! & 7);
  return id[0] === crc >>> 24 && id[1] === ((crc >>> 16) & 0xff) && (id[2]! & 0xf8) === ((crc >>> 8) & 0xf8);
}

/** A random node id that satisfies BEP 42 for `host` (our external IP). */
export function nodeIdForIp(host: string, random: RandomSource): Uint8Array {
  const id = random.bytes(20);
  const ip = parseIp(host);
  if (!ip) return id;
  const crc = prefixCrc(ip, id[19]! & 7);
  id[0] = crc >>> 24;
  id[1] = (crc >>> 16) & 0xff;
  id[2] = ((crc >>> 8) & 0xf8) | (id[2]! & 0x07);
  return id;
}
