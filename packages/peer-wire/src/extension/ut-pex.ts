// BEP 11 ut_pex: peers the sender connected to (`added`, with a flags byte each) or lost
// (`dropped`), IPv4 in compact 6-byte form and IPv6 in compact 18-byte form. The compact codec is
// @typetorrent/metainfo's, shared with the tracker: IPv4-mapped entries read as IPv4 and port-0
// entries are dropped, so a peer learned here and from a tracker is one candidate.
import { BencodeError, decode, encode, isBytes, isDict, type BencodeDict } from '@typetorrent/bencode';
import { addressFamily, compactPeerCount, decodeCompactPeerAt, encodeCompactPeers, MetainfoError, type AddressFamily } from '@typetorrent/metainfo';
import { WireError, invalidArgument } from '../errors.js';
import { DEFAULT_MAX_PEX_PEERS } from '../limits.js';

export const UT_PEX = 'ut_pex';

/** BEP 11 flags of an added peer. */
export const PexFlag = {
  /** prefers encryption (the `e` field of its extended handshake) */
  encryption: 0x01,
  /** seed / upload only */
  seed: 0x02,
  utp: 0x04,
  /** supports ut_holepunch */
  holepunch: 0x08,
  /** the sender connected out to it, so it is reachable */
  reachable: 0x10,
} as const;

export interface PexPeer {
  /** Dotted quad (also for IPv4-mapped entries of `added6`) or RFC 5952 IPv6 text. */
  host: string;
  /** 1..65535: entries with port 0 cannot be dialled and are left out. */
  port: number;
  /** The family of `host`. */
  family: AddressFamily;
  /** `PexFlag` bits; 0 for dropped peers and when the sender gave no flags. */
  flags: number;
}

export interface UtPexMessage {
  /** `added` then `added6` */
  added: PexPeer[];
  /** `dropped` then `dropped6` */
  dropped: PexPeer[];
}

export interface UtPexOptions {
  /** Most added peers (IPv4 + IPv6) and, separately, most dropped peers in one message. Default 200. */
  maxPeers?: number;
}

function bad(message: string, field: string): WireError {
  // BEP 11: "Clients may disconnect peers that egregiously violate these constraints."
  return new WireError('bad-ut-pex', `ut_pex: ${message}`, { field, fatal: true });
}

function compactList(dict: BencodeDict, key: string, family: AddressFamily, flagsKey: string | undefined): PexPeer[] {
  const raw = dict.get(key);
  if (raw === undefined) return [];
  if (!isBytes(raw)) throw bad(`${key} must be a string`, key);
  const count = compactPeerCount(raw, family);
  if (count === undefined) throw bad(`${key} is ${raw.length} bytes, not a multiple of ${family === 4 ? 6 : 18}`, key);
  let flags: Uint8Array | undefined;
  if (flagsKey !== undefined) {
    const f = dict.get(flagsKey);
    if (f !== undefined) {
      if (!isBytes(f) || f.length !== count) throw bad(`${flagsKey} must have one byte per peer (${count})`, flagsKey);
      flags = f;
    }
  }
  const peers: PexPeer[] = [];
  for (let i = 0; i < count; i++) {
    const peer = decodeCompactPeerAt(raw, i, family);
    if (peer === undefined) continue;
    peers.push({ host: peer.host, port: peer.port, family: addressFamily(peer.host) ?? family, flags: flags?.[i] ?? 0 });
  }
  return peers;
}

export function decodeUtPex(payload: Uint8Array, options: UtPexOptions = {}): UtPexMessage {
  const max = options.maxPeers ?? DEFAULT_MAX_PEX_PEERS;
  let root;
  try {
    root = decode(payload, { lenientKeyOrder: true, maxDepth: 4 });
  } catch (error) {
    if (error instanceof BencodeError) {
      throw new WireError('bad-ut-pex', `ut_pex: not bencode: ${error.message}`, { offset: error.offset, fatal: true, cause: error });
    }
    throw error;
  }
  if (!isDict(root)) throw bad('message must be a dictionary', '(root)');
  // Count before formatting a single address, so an oversized message costs no work.
  const count = (key: string, size: number): number => {
    const v = root.get(key);
    return isBytes(v) ? Math.floor(v.length / size) : 0;
  };
  const added = count('added', 6) + count('added6', 18);
  const dropped = count('dropped', 6) + count('dropped6', 18);
  if (added > max) throw bad(`${added} added peers, over the cap of ${max}`, 'added');
  if (dropped > max) throw bad(`${dropped} dropped peers, over the cap of ${max}`, 'dropped');
  return {
    added: [...compactList(root, 'added', 4, 'added.f'), ...compactList(root, 'added6', 6, 'added6.f')],
    dropped: [...compactList(root, 'dropped', 4, undefined), ...compactList(root, 'dropped6', 6, undefined)],
  };
}

type PexPeerInput = Pick<PexPeer, 'host' | 'port'> & { flags?: number };

function compact(peers: readonly PexPeerInput[], family: AddressFamily, field: string): { bytes: Uint8Array; flags: Uint8Array } {
  peers.forEach((peer, i) => {
    const flag = peer.flags ?? 0;
    if (!Number.isInteger(flag) || flag < 0 || flag > 0xff) throw invalidArgument(`${field}[${i}].flags`, `must be 0..255, got ${flag}`);
  });
  // Port-0 peers are left out by the compact encoder; drop them here too so the flags line up.
  const dialable = peers.filter((peer) => peer.port !== 0);
  let bytes: Uint8Array;
  try {
    bytes = encodeCompactPeers(peers, family, field);
  } catch (error) {
    if (error instanceof MetainfoError) throw invalidArgument(error.field, error.message.slice(error.field.length + 2));
    throw error;
  }
  return { bytes, flags: Uint8Array.from(dialable, (peer) => peer.flags ?? 0) };
}

/**
 * Encodes a ut_pex payload; hosts are split into the IPv4 and IPv6 lists by their family
 * (IPv4-mapped text goes in the IPv4 list), and port-0 peers are left out.
 */
export function encodeUtPex(message: { added?: readonly PexPeerInput[]; dropped?: readonly PexPeerInput[] }, options: UtPexOptions = {}): Uint8Array {
  const max = options.maxPeers ?? DEFAULT_MAX_PEX_PEERS;
  const added = message.added ?? [];
  const dropped = message.dropped ?? [];
  if (added.length > max) throw invalidArgument('added', `${added.length} peers, over the cap of ${max}`);
  if (dropped.length > max) throw invalidArgument('dropped', `${dropped.length} peers, over the cap of ${max}`);
  const isV6 = (p: PexPeerInput): boolean => {
    const family = addressFamily(p.host);
    if (family === undefined) throw invalidArgument('host', `not an IP address: ${JSON.stringify(p.host)}`);
    return family === 6;
  };
  const a4 = compact(added.filter((p) => !isV6(p)), 4, 'added');
  const a6 = compact(added.filter(isV6), 6, 'added6');
  const d4 = compact(dropped.filter((p) => !isV6(p)), 4, 'dropped');
  const d6 = compact(dropped.filter(isV6), 6, 'dropped6');
  const dict = new Map<string, Uint8Array>();
  // BEP 11: a message "must contain at least one of" added, added6, dropped, dropped6; we always
  // send `added` and `dropped` (possibly empty), as libtorrent does.
  dict.set('added', a4.bytes);
  dict.set('added.f', a4.flags);
  dict.set('dropped', d4.bytes);
  if (a6.bytes.length > 0) {
    dict.set('added6', a6.bytes);
    dict.set('added6.f', a6.flags);
  }
  if (d6.bytes.length > 0) dict.set('dropped6', d6.bytes);
  return encode(dict);
}
