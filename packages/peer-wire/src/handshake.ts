// BEP 3 handshake: <19><"BitTorrent protocol"><8 reserved><20 info-hash><20 peer id> = 68 bytes.
import { WireError, invalidArgument } from './errors.js';
import type { Handshake } from './messages.js';

export const PROTOCOL_NAME = 'BitTorrent protocol';
/** The first 20 bytes of every handshake: the length byte 19 and the protocol name. */
export const PROTOCOL_HEADER: Uint8Array = Uint8Array.of(19, ...[...PROTOCOL_NAME].map((c) => c.charCodeAt(0)));
export const HANDSHAKE_LENGTH = 68;

const RESERVED_AT = 20;
const INFO_HASH_AT = 28;
const PEER_ID_AT = 48;

export interface HandshakeFields {
  reserved: Uint8Array;
  infoHash: Uint8Array;
  peerId: Uint8Array;
}

function checkLength(field: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw invalidArgument(field, `must be ${length} bytes, got ${bytes.length}`);
}

/** Writes the 68-byte handshake at `offset`; returns the number of bytes written. */
export function encodeHandshakeInto(buf: Uint8Array, offset: number, fields: HandshakeFields): number {
  checkLength('reserved', fields.reserved, 8);
  checkLength('infoHash', fields.infoHash, 20);
  checkLength('peerId', fields.peerId, 20);
  if (offset < 0 || offset + HANDSHAKE_LENGTH > buf.length) throw invalidArgument('offset', 'no room for 68 bytes');
  buf.set(PROTOCOL_HEADER, offset);
  buf.set(fields.reserved, offset + RESERVED_AT);
  buf.set(fields.infoHash, offset + INFO_HASH_AT);
  buf.set(fields.peerId, offset + PEER_ID_AT);
  return HANDSHAKE_LENGTH;
}

export function encodeHandshake(fields: HandshakeFields): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  encodeHandshakeInto(out, 0, fields);
  return out;
}

/**
 * Checks the protocol header in `bytes` (a prefix of a handshake, any length up to 20) and throws
 * on the first wrong byte, so a decoder can reject a non-BitTorrent stream before buffering more.
 * `streamOffset` is where `bytes[0]` sits in the stream, for the error.
 */
export function checkProtocolPrefix(bytes: Uint8Array, streamOffset = 0): void {
  const n = Math.min(bytes.length, PROTOCOL_HEADER.length);
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== PROTOCOL_HEADER[i]) {
      throw new WireError('bad-protocol', 'not a BitTorrent handshake (expected "\\x13BitTorrent protocol")', {
        offset: streamOffset + i,
        field: i === 0 ? 'pstrlen' : 'pstr',
        fatal: true,
      });
    }
  }
}

/** Decodes one complete 68-byte handshake. The fields are copies, independent of `bytes`. */
export function decodeHandshake(bytes: Uint8Array, streamOffset = 0): Handshake {
  if (bytes.length !== HANDSHAKE_LENGTH) {
    throw new WireError('bad-message-length', `a handshake is 68 bytes, got ${bytes.length}`, {
      offset: streamOffset,
      field: 'handshake',
      fatal: true,
    });
  }
  checkProtocolPrefix(bytes, streamOffset);
  return {
    type: 'handshake',
    reserved: bytes.slice(RESERVED_AT, INFO_HASH_AT),
    infoHash: bytes.slice(INFO_HASH_AT, PEER_ID_AT),
    peerId: bytes.slice(PEER_ID_AT, HANDSHAKE_LENGTH),
  };
}
