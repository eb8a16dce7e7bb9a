// Compact node info (BEP 5: 26 bytes; BEP 32: 38 bytes for nodes6) and compact peer info
// (6 bytes IPv4, 18 bytes IPv6).
import type { Address } from '../env.js';
import { DhtError } from '../errors.js';
import { ID_LENGTH } from '../ids.js';
import { formatIp, parseIp, type IpFamily } from '../ip.js';

export interface NodeInfo {
  readonly id: Uint8Array;
  readonly address: Address;
}

const IP_BYTES = { 4: 4, 6: 16 } as const;

export function compactNodeLength(family: IpFamily): number {
  return ID_LENGTH + IP_BYTES[family] + 2;
}

export function compactPeerLength(family: IpFamily): number {
  return IP_BYTES[family] + 2;
}

/** Reads a compact address (IP then big-endian port) from `bytes` at `offset`. */
function readAddress(bytes: Uint8Array, offset: number, family: IpFamily): Address {
  const ipLength = IP_BYTES[family];
  const host = formatIp(bytes.subarray(offset, offset + ipLength));
  const port = (bytes[offset + ipLength]! << 8) | bytes[offset + ipLength + 1]!;
  return { host, port };
}

function writeAddress(target: Uint8Array, offset: number, address: Address, family: IpFamily): void {
  const ip = parseIp(address.host);
  if (!ip || ip.family !== family) {
    throw new DhtError('INVALID_ARGUMENT', `${address.host} is not an IPv${family} address`);
  }
  target.set(ip.bytes, offset);
  target[offset + ip.bytes.length] = address.port >> 8;
  target[offset + ip.bytes.length + 1] = address.port & 0xff;
}

export function decodeCompactNodes(bytes: Uint8Array, family: IpFamily, field: string): NodeInfo[] {
  const size = compactNodeLength(family);
  if (bytes.length % size !== 0) {
    throw new DhtError('BAD_COMPACT', `${bytes.length} bytes is not a multiple of ${size}`, { field });
  }
  const nodes: NodeInfo[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    nodes.push({ id: bytes.slice(offset, offset + ID_LENGTH), address: readAddress(bytes, offset + ID_LENGTH, family) });
  }
  return nodes;
}

export function encodeCompactNodes(nodes: readonly NodeInfo[], family: IpFamily): Uint8Array {
  const size = compactNodeLength(family);
  const out = new Uint8Array(nodes.length * size);
  nodes.forEach((node, i) => {
    out.set(node.id, i * size);
    writeAddress(out, i * size + ID_LENGTH, node.address, family);
  });
  return out;
}

/** One compact peer (a `values` entry, or the BEP 42 `ip` field); 6 bytes IPv4, 18 bytes IPv6. */
export function decodeCompactPeer(bytes: Uint8Array, field: string): Address {
  if (bytes.length === 6) return readAddress(bytes, 0, 4);
  if (bytes.length === 18) return readAddress(bytes, 0, 6);
  throw new DhtError('BAD_COMPACT', `a compact peer is 6 or 18 bytes, got ${bytes.length}`, { field });
}

export function encodeCompactPeer(address: Address): Uint8Array {
  const family = parseIp(address.host)?.family;
  if (family === undefined) throw new DhtError('INVALID_ARGUMENT', `${address.host} is not an IP address`);
  const out = new Uint8Array(compactPeerLength(family));
  writeAddress(out, 0, address, family);
  return out;
}
