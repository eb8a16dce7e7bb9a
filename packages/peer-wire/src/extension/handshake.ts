// BEP 10 extended handshake: the bencoded dictionary in the extended message with id 0.
import { BencodeError, decode, encode, isBytes, isDict, type BencodeDict, type BencodeValue } from '@typetorrent/bencode';
import { WireError, invalidArgument } from '../errors.js';
import { DEFAULT_MAX_METADATA_SIZE } from '../limits.js';

export interface ExtendedHandshake {
  /** Extension name -> the id the sender wants to receive it with; 0 disables (BEP 10). */
  m: Map<string, number>;
  /** Client name and version (UTF-8 on the wire). */
  v?: string;
  /** The sender's TCP listen port. */
  p?: number;
  /** How many outstanding requests the sender accepts without dropping any (libtorrent: 250). */
  reqq?: number;
  /** Our address as the sender sees it: 4 or 16 bytes. */
  yourip?: Uint8Array;
  ipv4?: Uint8Array;
  ipv6?: Uint8Array;
  /** BEP 9: size of the info dictionary in bytes. */
  metadataSize?: number;
  /** BEP 21: the sender will not download (partial seed). */
  uploadOnly?: boolean;
  /** Keys this codec does not interpret (BEP 10: "Any unknown names should be ignored"), as decoded. */
  extra: Map<string, BencodeValue>;
}

export interface ExtendedHandshakeOptions {
  /** Largest `metadata_size` accepted. Default 64 MiB. */
  maxMetadataSize?: number;
}

const KNOWN = new Set(['m', 'v', 'p', 'reqq', 'yourip', 'ipv4', 'ipv6', 'metadata_size', 'upload_only']);

function bad(field: string, message: string, cause?: unknown): WireError {
  return new WireError('bad-extended-handshake', `extended handshake: ${field}: ${message}`, { field, fatal: true, cause });
}

function intIn(dict: BencodeDict, key: string, min: number, max: number): number | undefined {
  const value = dict.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || value < min || value > max) throw bad(key, `must be an integer in ${min}..${max}`);
  return value;
}

function bytesOf(dict: BencodeDict, key: string, lengths: readonly number[]): Uint8Array | undefined {
  const value = dict.get(key);
  if (value === undefined) return undefined;
  if (!isBytes(value) || !lengths.includes(value.length)) throw bad(key, `must be a string of ${lengths.join(' or ')} bytes`);
  return value.slice();
}

/**
 * Decodes and validates an extended handshake payload (the bytes after the extended id 0). Every
 * item is optional (BEP 10); known items of the wrong type, `m` ids outside 0..255 or two
 * extensions sharing one id are a fatal `bad-extended-handshake`.
 */
export function decodeExtendedHandshake(payload: Uint8Array, options: ExtendedHandshakeOptions = {}): ExtendedHandshake {
  let root: BencodeValue;
  try {
    // Key order carries no meaning here, and some clients do not sort their keys.
    root = decode(payload, { lenientKeyOrder: true, maxDepth: 16 });
  } catch (error) {
    if (error instanceof BencodeError) {
      throw new WireError('bad-extended-handshake', `extended handshake is not bencode: ${error.message}`, {
        offset: error.offset,
        fatal: true,
        cause: error,
      });
    }
    throw error;
  }
  if (!isDict(root)) throw bad('(root)', 'must be a dictionary');

  const m = new Map<string, number>();
  const rawM = root.get('m');
  if (rawM !== undefined) {
    if (!isDict(rawM)) throw bad('m', 'must be a dictionary');
    const owner = new Map<number, string>();
    for (const [name, id] of rawM) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 255) throw bad(`m.${name}`, 'must be an integer in 0..255');
      const other = owner.get(id);
      // BEP 10: "no extension message share the same one"; a shared id would make routing ambiguous.
      if (id !== 0 && other !== undefined) throw bad(`m.${name}`, `id ${id} is also used by ${other}`);
      owner.set(id, name);
      m.set(name, id);
    }
  }

  const hs: ExtendedHandshake = { m, extra: new Map() };
  const v = root.get('v');
  if (v !== undefined) {
    if (!isBytes(v)) throw bad('v', 'must be a string');
    hs.v = new TextDecoder('utf-8', { fatal: false }).decode(v);
  }
  const p = intIn(root, 'p', 1, 0xffff);
  if (p !== undefined) hs.p = p;
  const reqq = intIn(root, 'reqq', 1, Number.MAX_SAFE_INTEGER);
  if (reqq !== undefined) hs.reqq = reqq;
  const yourip = bytesOf(root, 'yourip', [4, 16]);
  if (yourip !== undefined) hs.yourip = yourip;
  const ipv4 = bytesOf(root, 'ipv4', [4]);
  if (ipv4 !== undefined) hs.ipv4 = ipv4;
  const ipv6 = bytesOf(root, 'ipv6', [16]);
  if (ipv6 !== undefined) hs.ipv6 = ipv6;
  const metadataSize = intIn(root, 'metadata_size', 1, options.maxMetadataSize ?? DEFAULT_MAX_METADATA_SIZE);
  if (metadataSize !== undefined) hs.metadataSize = metadataSize;
  const uploadOnly = intIn(root, 'upload_only', 0, Number.MAX_SAFE_INTEGER);
  if (uploadOnly !== undefined) hs.uploadOnly = uploadOnly !== 0;
  for (const [key, value] of root) if (!KNOWN.has(key)) hs.extra.set(key, value);
  return hs;
}

export type ExtendedHandshakeInput = Partial<Omit<ExtendedHandshake, 'm' | 'extra'>> & {
  m: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
};

/** The bencoded payload of an extended handshake (put it in an extended message with id 0). */
export function encodeExtendedHandshake(hs: ExtendedHandshakeInput): Uint8Array {
  const m = new Map<string, number>();
  const entries = hs.m instanceof Map ? [...(hs.m as ReadonlyMap<string, number>)] : Object.entries(hs.m);
  for (const [name, id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id > 255) throw invalidArgument(`m.${name}`, `must be 0..255, got ${id}`);
    m.set(name, id);
  }
  // Strings are encoded as UTF-8 by bencode's encode, as BEP 10 wants for `v`.
  const dict = new Map<string, string | number | Uint8Array | Map<string, number>>([['m', m]]);
  if (hs.v !== undefined) dict.set('v', hs.v);
  if (hs.p !== undefined) dict.set('p', hs.p);
  if (hs.reqq !== undefined) dict.set('reqq', hs.reqq);
  if (hs.yourip !== undefined) dict.set('yourip', hs.yourip);
  if (hs.ipv4 !== undefined) dict.set('ipv4', hs.ipv4);
  if (hs.ipv6 !== undefined) dict.set('ipv6', hs.ipv6);
  if (hs.metadataSize !== undefined) dict.set('metadata_size', hs.metadataSize);
  if (hs.uploadOnly !== undefined) dict.set('upload_only', hs.uploadOnly ? 1 : 0);
  return encode(dict);
}
