// Compact peer entries: BEP 23 (IPv4, 6 bytes: address then big-endian port) and BEP 7 (IPv6, 18
// bytes). The same layouts appear in tracker replies (HTTP `peers`/`peers6`, BEP 15 UDP), ut_pex
// (BEP 11 `added`/`added6`/`dropped`/`dropped6`), magnet x.pe and the DHT's `values`.
//
// Why here: the tracker and peer-wire both read these lists and sit on the same layer, so neither
// may import the other; metainfo is the pure codec package below both (bencode is only the
// serialisation format, and addresses are not bencode), and it already holds the other shared
// BitTorrent data formats.
//
// One behaviour for every caller, so one peer never becomes two candidates:
// - hosts are written by formatIpAddress (IPv4-mapped IPv6 becomes plain IPv4 text);
// - entries with port 0 are dropped when decoding and when encoding: port 0 cannot be dialled
//   (connecting to it fails on every OS), so such an entry is noise, and keeping it in one list
//   but not another made the same host look like different peers.
import { MetainfoError } from './errors.js';
import { formatIpAddress, parseIpAddress, unmapIPv4, type AddressFamily } from './ip-address.js';

export interface PeerAddress {
  /** Canonical IP text (see formatIpAddress). */
  readonly host: string;
  readonly port: number;
}

/** Bytes per entry: 6 for IPv4, 18 for IPv6. */
export function compactPeerLength(family: AddressFamily): 6 | 18 {
  return family === 4 ? 6 : 18;
}

/** How many entries a compact list holds, or undefined when its length is not a whole number of them. */
export function compactPeerCount(bytes: Uint8Array, family: AddressFamily): number | undefined {
  const size = compactPeerLength(family);
  return bytes.length % size === 0 ? bytes.length / size : undefined;
}

/** Entry `index` of a compact list whose length was checked by the caller; undefined for port 0. */
export function decodeCompactPeerAt(bytes: Uint8Array, index: number, family: AddressFamily): PeerAddress | undefined {
  const size = compactPeerLength(family);
  const at = index * size;
  const port = (bytes[at + size - 2]! << 8) | bytes[at + size - 1]!;
  if (port === 0) return undefined;
  return { host: formatIpAddress(bytes.subarray(at, at + size - 2)), port };
}

/**
 * Decodes a whole compact list. A length that is not a whole number of entries means the list was
 * cut short or is of the other family, so it is rejected (`BAD_PEER_LIST`, naming `field`) rather
 * than guessed at.
 */
export function decodeCompactPeers(bytes: Uint8Array, family: AddressFamily, field = 'peers'): PeerAddress[] {
  const count = compactPeerCount(bytes, family);
  if (count === undefined) {
    const size = compactPeerLength(family);
    throw new MetainfoError('BAD_PEER_LIST', field, `compact IPv${family} peer list is ${bytes.length} bytes, not a multiple of ${size}`);
  }
  const peers: PeerAddress[] = [];
  for (let i = 0; i < count; i++) {
    const peer = decodeCompactPeerAt(bytes, i, family);
    if (peer !== undefined) peers.push(peer);
  }
  return peers;
}

/** The family a host belongs in: 4 for IPv4 and IPv4-mapped IPv6 text, 6 for other IPv6, undefined for names. */
export function addressFamily(host: string): AddressFamily | undefined {
  const bytes = parseIpAddress(host);
  if (bytes === undefined) return undefined;
  return bytes.length === 4 || unmapIPv4(bytes) !== undefined ? 4 : 6;
}

/** 4 bytes for IPv4 (mapped or not); 16 for IPv6, where IPv4 is written IPv4-mapped (BEP 15 does this on IPv6 sockets). */
function addressBytes(host: string, family: AddressFamily): Uint8Array | undefined {
  const bytes = parseIpAddress(host);
  if (bytes === undefined) return undefined;
  if (family === 4) return bytes.length === 4 ? bytes : unmapIPv4(bytes);
  if (bytes.length === 16) return bytes;
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped.set(bytes, 12);
  return mapped;
}

/**
 * Encodes peers into a compact list of one family (split mixed lists with addressFamily); port-0
 * peers are left out. A host that is not an IP literal that fits the family, or a port outside 0..65535, throws
 * `BAD_PEER_ADDRESS` naming `field[i]`.
 */
export function encodeCompactPeers(peers: readonly { host: string; port: number }[], family: AddressFamily, field = 'peers'): Uint8Array {
  const size = compactPeerLength(family);
  const out = new Uint8Array(peers.length * size);
  let at = 0;
  peers.forEach((peer, i) => {
    if (!Number.isInteger(peer.port) || peer.port < 0 || peer.port > 0xffff) {
      throw new MetainfoError('BAD_PEER_ADDRESS', `${field}[${i}].port`, `must be 0..65535, got ${peer.port}`);
    }
    const address = addressBytes(peer.host, family);
    if (address === undefined) {
      throw new MetainfoError('BAD_PEER_ADDRESS', `${field}[${i}].host`, `not an IPv${family} address: ${JSON.stringify(peer.host)}`);
    }
    if (peer.port === 0) return;
    out.set(address, at);
    out[at + size - 2] = peer.port >> 8;
    out[at + size - 1] = peer.port & 0xff;
    at += size;
  });
  return out.subarray(0, at);
}
