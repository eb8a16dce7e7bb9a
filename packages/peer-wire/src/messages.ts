// Every message peers exchange, as one discriminated union. Numbers are the BEP message ids.

/** Message ids after the length prefix (BEP 3, BEP 5 for `port`, BEP 6, BEP 10). */
export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  suggestPiece: 13,
  haveAll: 14,
  haveNone: 15,
  rejectRequest: 16,
  allowedFast: 17,
  extended: 20,
} as const;
export type MessageIdValue = (typeof MessageId)[keyof typeof MessageId];

export interface Handshake {
  type: 'handshake';
  /** The 8 reserved bytes; see `reserved.ts` for the named bits. */
  reserved: Uint8Array;
  infoHash: Uint8Array;
  peerId: Uint8Array;
}

export interface KeepAlive {
  type: 'keep-alive';
}
export interface Choke {
  type: 'choke';
}
export interface Unchoke {
  type: 'unchoke';
}
export interface Interested {
  type: 'interested';
}
export interface NotInterested {
  type: 'not-interested';
}
export interface Have {
  type: 'have';
  index: number;
}
/** The raw bitfield bytes; `Bitfield.fromBytes(bytes, pieceCount)` checks and wraps them. */
export interface BitfieldMessage {
  type: 'bitfield';
  bytes: Uint8Array;
}
export interface Request {
  type: 'request';
  index: number;
  begin: number;
  length: number;
}
export interface Piece {
  type: 'piece';
  index: number;
  begin: number;
  block: Uint8Array;
}
export interface Cancel {
  type: 'cancel';
  index: number;
  begin: number;
  length: number;
}
/** BEP 5: the sender's DHT port. */
export interface Port {
  type: 'port';
  port: number;
}
/** BEP 6 */
export interface SuggestPiece {
  type: 'suggest-piece';
  index: number;
}
/** BEP 6 */
export interface HaveAll {
  type: 'have-all';
}
/** BEP 6 */
export interface HaveNone {
  type: 'have-none';
}
/** BEP 6 */
export interface RejectRequest {
  type: 'reject-request';
  index: number;
  begin: number;
  length: number;
}
/** BEP 6 */
export interface AllowedFast {
  type: 'allowed-fast';
  index: number;
}
/**
 * BEP 10: `id` 0 is the extended handshake; any other id is one of the ids *we* announced in our
 * handshake's `m` (see `ExtensionRegistry.nameOfIncoming`).
 */
export interface Extended {
  type: 'extended';
  id: number;
  payload: Uint8Array;
}
/** A message id this codec does not know; its payload was skipped without being buffered. */
export interface UnknownMessage {
  type: 'unknown';
  id: number;
  /** Payload length in bytes (the length prefix minus the id byte). */
  length: number;
}

export type WireMessage =
  | Handshake
  | KeepAlive
  | Choke
  | Unchoke
  | Interested
  | NotInterested
  | Have
  | BitfieldMessage
  | Request
  | Piece
  | Cancel
  | Port
  | SuggestPiece
  | HaveAll
  | HaveNone
  | RejectRequest
  | AllowedFast
  | Extended
  | UnknownMessage;

export type WireMessageType = WireMessage['type'];

// Messages without a payload are shared, frozen objects: decoding them allocates nothing.
export const KEEP_ALIVE: KeepAlive = Object.freeze({ type: 'keep-alive' });
export const CHOKE: Choke = Object.freeze({ type: 'choke' });
export const UNCHOKE: Unchoke = Object.freeze({ type: 'unchoke' });
export const INTERESTED: Interested = Object.freeze({ type: 'interested' });
export const NOT_INTERESTED: NotInterested = Object.freeze({ type: 'not-interested' });
export const HAVE_ALL: HaveAll = Object.freeze({ type: 'have-all' });
export const HAVE_NONE: HaveNone = Object.freeze({ type: 'have-none' });
