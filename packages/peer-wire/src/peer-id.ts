// Peer ids in the Azureus style: "-" + two-letter client code + four version characters + "-",
// then 12 random bytes (20 bytes in all, BEP 20). The codec does no I/O, so randomness is passed in;
// the default is the platform's CSPRNG, which needs no I/O either.
import { invalidArgument } from './errors.js';

/** TypeTorrent 0.1.0.0 */
export const PEER_ID_PREFIX = '-TT0100-';
export const PEER_ID_LENGTH = 20;

export type RandomFill = (bytes: Uint8Array) => Uint8Array;

const cryptoFill: RandomFill = (bytes) => globalThis.crypto.getRandomValues(bytes);

/**
 * A fresh peer id: `prefix` (ASCII, 8 bytes in the Azureus style) then random bytes to fill 20.
 * `random` fills a buffer in place and returns it (the signature of `crypto.getRandomValues`).
 */
export function createPeerId(options: { prefix?: string; random?: RandomFill } = {}): Uint8Array {
  const prefix = options.prefix ?? PEER_ID_PREFIX;
  if (prefix.length > PEER_ID_LENGTH || !/^[\x20-\x7e]*$/.test(prefix)) {
    throw invalidArgument('prefix', 'must be at most 20 printable ASCII characters');
  }
  const id = new Uint8Array(PEER_ID_LENGTH);
  for (let i = 0; i < prefix.length; i++) id[i] = prefix.charCodeAt(i);
  const tail = (options.random ?? cryptoFill)(new Uint8Array(PEER_ID_LENGTH - prefix.length));
  if (tail.length !== PEER_ID_LENGTH - prefix.length) throw invalidArgument('random', 'returned the wrong number of bytes');
  id.set(tail, prefix.length);
  return id;
}

export interface AzureusPeerId {
  /** Two-letter client code, e.g. "TT", "lt" (libtorrent), "qB". */
  client: string;
  /** The four version characters as sent, e.g. "0100". */
  version: string;
}

/** Reads the client code of an Azureus-style peer id ("-XXyyyy-..."), or undefined for other styles. */
export function parseAzureusPeerId(peerId: Uint8Array): AzureusPeerId | undefined {
  if (peerId.length !== PEER_ID_LENGTH || peerId[0] !== 0x2d || peerId[7] !== 0x2d) return undefined;
  const text = String.fromCharCode(...peerId.subarray(1, 7));
  if (!/^[A-Za-z0-9.]{2}[A-Za-z0-9.]{4}$/.test(text)) return undefined;
  return { client: text.slice(0, 2), version: text.slice(2) };
}
