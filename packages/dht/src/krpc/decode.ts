// KRPC datagram -> message. Every failure is a DhtError naming the field; nothing else is thrown.
import { BencodeError, decode, isBytes, isDict, isList, bytesToLatin1, type BencodeDict, type BencodeValue } from '@typetorrent/bencode';
import type { Address } from '../env.js';
import { DhtError } from '../errors.js';
import { isId } from '../ids.js';
import { decodeCompactNodes, decodeCompactPeer, type NodeInfo } from './compact.js';
import type { KrpcErrorMessage, KrpcMessage, KrpcQuery, KrpcResponse, Want } from './messages.js';

export interface KrpcDecodeOptions {
  /** Longest datagram accepted, in bytes. Default 8192 (real KRPC messages fit in one 1,500-byte frame). */
  maxMessageBytes?: number;
  /** Most entries in `values`. Default 200. */
  maxValues?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 8192;
const DEFAULT_MAX_VALUES = 200;
/** A KRPC message nests at most dict > dict > list; a little slack for extension keys. */
const MAX_DEPTH = 6;
const MAX_ITEMS = 1024;
/** Transaction ids are a few bytes; a long one is garbage that we would otherwise echo back. */
const MAX_TRANSACTION_ID = 32;

export function decodeKrpc(bytes: Uint8Array, options: KrpcDecodeOptions = {}): KrpcMessage {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (bytes.length > maxBytes) throw new DhtError('TOO_LARGE', `datagram of ${bytes.length} bytes exceeds ${maxBytes}`);
  let root: BencodeValue;
  try {
    // Key order is not checked: some implementations send unsorted dicts.
    root = decode(bytes, { maxDepth: MAX_DEPTH, maxItems: MAX_ITEMS, maxInputLength: maxBytes, lenientKeyOrder: true });
  } catch (e) {
    const offset = e instanceof BencodeError ? e.offset : undefined;
    throw new DhtError('NOT_BENCODE', e instanceof Error ? e.message : 'undecodable', { offset, cause: e });
  }
  if (!isDict(root)) throw new DhtError('MALFORMED', 'message is not a dictionary');
  const t = root.get('t');
  if (!isBytes(t) || t.length > MAX_TRANSACTION_ID) throw new DhtError('MALFORMED', 'missing or oversized transaction id', { field: 't' });
  const tid = t.slice();
  const y = text(root.get('y'));
  try {
    switch (y) {
      case 'q':
        return decodeQuery(root, tid);
      case 'r':
        return decodeResponse(root, tid, options.maxValues ?? DEFAULT_MAX_VALUES);
      case 'e':
        return decodeError(root, tid);
      default:
        throw new DhtError('MALFORMED', `unknown message type ${JSON.stringify(y)}`, { field: 'y' });
    }
  } catch (e) {
    throw e instanceof DhtError ? e.withTransactionId(tid) : e;
  }
}

function text(value: BencodeValue | undefined): string | undefined {
  return isBytes(value) ? bytesToLatin1(value) : undefined;
}

function dictField(parent: BencodeDict, key: string, path: string): BencodeDict {
  const value = parent.get(key);
  if (!isDict(value)) throw new DhtError('MALFORMED', 'missing or not a dictionary', { field: path });
  return value;
}

function idField(dict: BencodeDict, key: string, path: string): Uint8Array {
  const value = dict.get(key);
  if (!isId(value)) throw new DhtError('MALFORMED', 'missing or not 20 bytes', { field: path });
  return value.slice();
}

function bytesField(dict: BencodeDict, key: string, path: string): Uint8Array | undefined {
  const value = dict.get(key);
  if (value === undefined) return undefined;
  if (!isBytes(value)) throw new DhtError('MALFORMED', 'not a byte string', { field: path });
  return value.slice();
}

function readOnlyFlag(root: BencodeDict): boolean {
  const ro = root.get('ro');
  return typeof ro === 'number' && ro === 1;
}

function wantField(args: BencodeDict): Want | undefined {
  const want = args.get('want');
  if (want === undefined) return undefined;
  if (!isList(want)) throw new DhtError('MALFORMED', 'not a list', { field: 'a.want' });
  const names = want.map(text);
  return { n4: names.includes('n4'), n6: names.includes('n6') };
}

function decodeQuery(root: BencodeDict, t: Uint8Array): KrpcQuery {
  const name = text(root.get('q'));
  if (name === undefined) throw new DhtError('MALFORMED', 'missing method name', { field: 'q' });
  const args = dictField(root, 'a', 'a');
  const version = bytesField(root, 'v', 'v');
  const want = wantField(args);
  const common = {
    kind: 'query' as const, t, id: idField(args, 'id', 'a.id'), readOnly: readOnlyFlag(root),
    ...(want ? { want } : {}), ...(version ? { version } : {}),
  };
  switch (name) {
    case 'ping':
      return { ...common, method: 'ping' };
    case 'find_node':
      return { ...common, method: 'find_node', target: idField(args, 'target', 'a.target') };
    case 'get_peers':
      return { ...common, method: 'get_peers', infoHash: idField(args, 'info_hash', 'a.info_hash') };
    case 'announce_peer': {
      const implied = args.get('implied_port');
      const impliedPort = typeof implied === 'number' && implied !== 0;
      const port = args.get('port');
      const validPort = typeof port === 'number' && port >= 1 && port <= 65535;
      if (!validPort && !impliedPort) throw new DhtError('MALFORMED', 'port missing or out of range', { field: 'a.port' });
      const token = bytesField(args, 'token', 'a.token');
      if (token === undefined) throw new DhtError('MALFORMED', 'missing token', { field: 'a.token' });
      return {
        ...common, method: 'announce_peer', infoHash: idField(args, 'info_hash', 'a.info_hash'),
        port: validPort ? port : 0, impliedPort, token,
      };
    }
    default:
      return { ...common, method: 'unknown', name };
  }
}

function nodesField(dict: BencodeDict, key: 'nodes' | 'nodes6'): NodeInfo[] | undefined {
  const value = bytesField(dict, key, `r.${key}`);
  return value === undefined ? undefined : decodeCompactNodes(value, key === 'nodes' ? 4 : 6, `r.${key}`);
}

function decodeResponse(root: BencodeDict, t: Uint8Array, maxValues: number): KrpcResponse {
  const r = dictField(root, 'r', 'r');
  const id = idField(r, 'id', 'r.id');
  const nodes = nodesField(r, 'nodes');
  const nodes6 = nodesField(r, 'nodes6');
  let values: Address[] | undefined;
  const rawValues = r.get('values');
  if (rawValues !== undefined) {
    if (!isList(rawValues)) throw new DhtError('MALFORMED', 'not a list', { field: 'r.values' });
    if (rawValues.length > maxValues) throw new DhtError('MALFORMED', `more than ${maxValues} values`, { field: 'r.values' });
    values = rawValues.map((v, i) => {
      if (!isBytes(v)) throw new DhtError('MALFORMED', 'not a byte string', { field: `r.values[${i}]` });
      return decodeCompactPeer(v, `r.values[${i}]`);
    });
  }
  const token = bytesField(r, 'token', 'r.token');
  const rawIp = bytesField(root, 'ip', 'ip');
  const version = bytesField(root, 'v', 'v');
  return {
    kind: 'response', t, id,
    ...(nodes ? { nodes } : {}), ...(nodes6 ? { nodes6 } : {}), ...(values ? { values } : {}),
    ...(token ? { token } : {}), ...(rawIp ? { ip: decodeCompactPeer(rawIp, 'ip') } : {}),
    ...(version ? { version } : {}),
  };
}

function decodeError(root: BencodeDict, t: Uint8Array): KrpcErrorMessage {
  const e = root.get('e');
  if (!isList(e) || typeof e[0] !== 'number') throw new DhtError('MALFORMED', 'not a [code, message] list', { field: 'e' });
  // Human text: read as UTF-8 (invalid bytes become U+FFFD), as encodeKrpc writes it, so a message
  // survives decode -> encode -> decode (latin1 here made every byte above 0x7f two; found by fuzzing).
  return { kind: 'error', t, code: e[0], message: isBytes(e[1]) ? lossyUtf8.decode(e[1]) : '' };
}

const lossyUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
