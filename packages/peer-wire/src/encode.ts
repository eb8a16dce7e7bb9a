// Encoders: `...Into(buf, offset, ...)` write into a caller's buffer and return the bytes written
// (no allocation: the hot path for request/have/piece traffic); `encodeMessage` allocates one
// exact-size Uint8Array for anything else.
import { encodeHandshakeInto, HANDSHAKE_LENGTH } from './handshake.js';
import { invalidArgument } from './errors.js';
import { MessageId, type WireMessage } from './messages.js';
import { viewOf } from './view.js';

const U32_MAX = 0xffff_ffff;

/** Bytes of the `piece` message header before the block: length(4) id(1) index(4) begin(4). */
export const PIECE_HEADER_LENGTH = 13;
/** Bytes of a request, cancel or reject-request message: length(4) id(1) index begin length. */
export const REQUEST_MESSAGE_LENGTH = 17;
/** Bytes of a have, suggest-piece or allowed-fast message: length(4) id(1) index(4). */
export const HAVE_MESSAGE_LENGTH = 9;

function checkU32(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw invalidArgument(field, `must be an integer in 0..2^32-1, got ${value}`);
  }
}

function checkRoom(buf: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + length > buf.length) {
    throw invalidArgument('offset', `${length} bytes do not fit at ${offset} in a buffer of ${buf.length}`);
  }
}

/** length(4) id(1) — the start of every message but keep-alive. */
function writeHeader(view: DataView, offset: number, payloadLength: number, id: number): void {
  view.setUint32(offset, payloadLength + 1);
  view.setUint8(offset + 4, id);
}

function encodeTripleInto(buf: Uint8Array, offset: number, id: number, index: number, begin: number, length: number): number {
  checkU32('index', index);
  checkU32('begin', begin);
  checkU32('length', length);
  checkRoom(buf, offset, REQUEST_MESSAGE_LENGTH);
  const view = viewOf(buf);
  writeHeader(view, offset, 12, id);
  view.setUint32(offset + 5, index);
  view.setUint32(offset + 9, begin);
  view.setUint32(offset + 13, length);
  return REQUEST_MESSAGE_LENGTH;
}

function encodeIndexInto(buf: Uint8Array, offset: number, id: number, index: number): number {
  checkU32('index', index);
  checkRoom(buf, offset, HAVE_MESSAGE_LENGTH);
  const view = viewOf(buf);
  writeHeader(view, offset, 4, id);
  view.setUint32(offset + 5, index);
  return HAVE_MESSAGE_LENGTH;
}

export function encodeRequestInto(buf: Uint8Array, offset: number, index: number, begin: number, length: number): number {
  return encodeTripleInto(buf, offset, MessageId.request, index, begin, length);
}

export function encodeCancelInto(buf: Uint8Array, offset: number, index: number, begin: number, length: number): number {
  return encodeTripleInto(buf, offset, MessageId.cancel, index, begin, length);
}

/** BEP 6 */
export function encodeRejectRequestInto(buf: Uint8Array, offset: number, index: number, begin: number, length: number): number {
  return encodeTripleInto(buf, offset, MessageId.rejectRequest, index, begin, length);
}

export function encodeHaveInto(buf: Uint8Array, offset: number, index: number): number {
  return encodeIndexInto(buf, offset, MessageId.have, index);
}

/**
 * The 13 bytes in front of a block: write them, then the block itself (e.g. `socket.writev` /
 * `cork` + two writes), so the block is never copied into a message buffer.
 */
export function encodePieceHeaderInto(buf: Uint8Array, offset: number, index: number, begin: number, blockLength: number): number {
  checkU32('index', index);
  checkU32('begin', begin);
  if (!Number.isInteger(blockLength) || blockLength < 0 || blockLength > U32_MAX - 9) {
    throw invalidArgument('blockLength', `must be an integer in 0..2^32-10, got ${blockLength}`);
  }
  checkRoom(buf, offset, PIECE_HEADER_LENGTH);
  const view = viewOf(buf);
  writeHeader(view, offset, 8 + blockLength, MessageId.piece);
  view.setUint32(offset + 5, index);
  view.setUint32(offset + 9, begin);
  return PIECE_HEADER_LENGTH;
}

/** Bytes `msg` takes on the wire, length prefix included. */
export function encodedLength(msg: WireMessage): number {
  switch (msg.type) {
    case 'handshake':
      return HANDSHAKE_LENGTH;
    case 'keep-alive':
      return 4;
    case 'choke':
    case 'unchoke':
    case 'interested':
    case 'not-interested':
    case 'have-all':
    case 'have-none':
      return 5;
    case 'have':
    case 'suggest-piece':
    case 'allowed-fast':
      return HAVE_MESSAGE_LENGTH;
    case 'port':
      return 7;
    case 'request':
    case 'cancel':
    case 'reject-request':
      return REQUEST_MESSAGE_LENGTH;
    case 'bitfield':
      return 5 + msg.bytes.length;
    case 'piece':
      return PIECE_HEADER_LENGTH + msg.block.length;
    case 'extended':
      return 6 + msg.payload.length;
    case 'unknown':
      throw invalidArgument('type', 'an unknown message carries no payload and cannot be encoded');
  }
}

const NO_PAYLOAD_IDS = {
  choke: MessageId.choke,
  unchoke: MessageId.unchoke,
  interested: MessageId.interested,
  'not-interested': MessageId.notInterested,
  'have-all': MessageId.haveAll,
  'have-none': MessageId.haveNone,
} as const;

/** Writes `msg` at `offset`; returns the bytes written (`encodedLength(msg)`). */
export function encodeMessageInto(buf: Uint8Array, offset: number, msg: WireMessage): number {
  const length = encodedLength(msg);
  checkRoom(buf, offset, length);
  const view = viewOf(buf);
  switch (msg.type) {
    case 'handshake':
      return encodeHandshakeInto(buf, offset, msg);
    case 'keep-alive':
      view.setUint32(offset, 0);
      return 4;
    case 'choke':
    case 'unchoke':
    case 'interested':
    case 'not-interested':
    case 'have-all':
    case 'have-none':
      writeHeader(view, offset, 0, NO_PAYLOAD_IDS[msg.type]);
      return 5;
    case 'have':
      return encodeIndexInto(buf, offset, MessageId.have, msg.index);
    case 'suggest-piece':
      return encodeIndexInto(buf, offset, MessageId.suggestPiece, msg.index);
    case 'allowed-fast':
      return encodeIndexInto(buf, offset, MessageId.allowedFast, msg.index);
    case 'port':
      if (!Number.isInteger(msg.port) || msg.port < 0 || msg.port > 0xffff) {
        throw invalidArgument('port', `must be an integer in 0..65535, got ${msg.port}`);
      }
      writeHeader(view, offset, 2, MessageId.port);
      view.setUint16(offset + 5, msg.port);
      return 7;
    case 'request':
      return encodeRequestInto(buf, offset, msg.index, msg.begin, msg.length);
    case 'cancel':
      return encodeCancelInto(buf, offset, msg.index, msg.begin, msg.length);
    case 'reject-request':
      return encodeRejectRequestInto(buf, offset, msg.index, msg.begin, msg.length);
    case 'bitfield':
      writeHeader(view, offset, msg.bytes.length, MessageId.bitfield);
      buf.set(msg.bytes, offset + 5);
      return length;
    case 'piece':
      encodePieceHeaderInto(buf, offset, msg.index, msg.begin, msg.block.length);
      buf.set(msg.block, offset + PIECE_HEADER_LENGTH);
      return length;
    case 'extended':
      if (!Number.isInteger(msg.id) || msg.id < 0 || msg.id > 255) {
        throw invalidArgument('id', `extended message id must be 0..255, got ${msg.id}`);
      }
      writeHeader(view, offset, 1 + msg.payload.length, MessageId.extended);
      view.setUint8(offset + 5, msg.id);
      buf.set(msg.payload, offset + 6);
      return length;
    case 'unknown':
      throw invalidArgument('type', 'an unknown message carries no payload and cannot be encoded');
  }
}

/** `msg` as one new exact-size Uint8Array. */
export function encodeMessage(msg: WireMessage): Uint8Array {
  const out = new Uint8Array(encodedLength(msg));
  encodeMessageInto(out, 0, msg);
  return out;
}
