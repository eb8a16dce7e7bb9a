// Message -> KRPC datagram. Canonical bencode through @typetorrent/bencode.
import { encode, latin1ToBytes, type BencodeInput } from '@typetorrent/bencode';
import { encodeCompactNodes, encodeCompactPeer } from './compact.js';
import type { KrpcMessage, KrpcQuery } from './messages.js';

/** Optional top-level keys every message may carry. */
export interface EncodeExtras {
  /** Client version (`v`), e.g. 'TT01'. */
  readonly version?: Uint8Array;
  /** BEP 43: mark our queries read-only. */
  readonly readOnly?: boolean;
}

function queryArgs(query: KrpcQuery): Record<string, BencodeInput | undefined> {
  const want = query.want ? [...(query.want.n4 ? ['n4'] : []), ...(query.want.n6 ? ['n6'] : [])] : undefined;
  const base = { id: query.id, want };
  switch (query.method) {
    case 'ping':
      return base;
    case 'find_node':
      return { ...base, target: query.target };
    case 'get_peers':
      return { ...base, info_hash: query.infoHash };
    case 'announce_peer':
      return {
        ...base, info_hash: query.infoHash, port: query.port, token: query.token,
        implied_port: query.impliedPort ? 1 : undefined,
      };
    case 'unknown':
      return base;
  }
}

export function encodeKrpc(message: KrpcMessage, extras: EncodeExtras = {}): Uint8Array {
  const top = { t: message.t, v: extras.version, ro: extras.readOnly && message.kind === 'query' ? 1 : undefined };
  switch (message.kind) {
    case 'query':
      return encode({
        // An unknown method's name was read as latin1 (one char per byte): written back the same way,
        // not as UTF-8, so it round-trips (found by the fuzzer).
        ...top, y: 'q', q: message.method === 'unknown' ? latin1ToBytes(message.name) : message.method, a: queryArgs(message),
      });
    case 'response':
      return encode({
        ...top, y: 'r', ip: message.ip ? encodeCompactPeer(message.ip) : undefined,
        r: {
          id: message.id,
          nodes: message.nodes ? encodeCompactNodes(message.nodes, 4) : undefined,
          nodes6: message.nodes6 ? encodeCompactNodes(message.nodes6, 6) : undefined,
          values: message.values?.map(encodeCompactPeer),
          token: message.token,
        },
      });
    case 'error':
      return encode({ ...top, y: 'e', e: [message.code, message.message] });
  }
}
