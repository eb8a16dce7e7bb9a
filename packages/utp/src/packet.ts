// The BEP 29 packet: a 20-byte header, an optional chain of extensions, then the payload.
//
//   0: type (high nibble) | version 1 (low nibble)   1: first extension type
//   2: connection_id (u16)   4: timestamp_microseconds (u32)   8: timestamp_difference_microseconds (u32)
//  12: wnd_size (u32)       16: seq_nr (u16)                   18: ack_nr (u16)
//
// Every extension is [next extension type, length, bytes]. Type 1 is the selective ACK: a bitmask
// whose bit i (least significant bit of each byte first) says that ack_nr + 2 + i arrived.
// Decoding never throws: a malformed packet is a value with the offset that failed.

export const HEADER_SIZE = 20;
export const UTP_VERSION = 1;
export const EXTENSION_SACK = 1;
/** Extensions we accept in one packet before calling it malformed (the chain is attacker-controlled). */
export const MAX_EXTENSIONS = 8;

export const PacketType = { DATA: 0, FIN: 1, STATE: 2, RESET: 3, SYN: 4 } as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

export interface Packet {
  type: PacketType;
  connectionId: number;
  /** The sender's clock in microseconds, mod 2^32. */
  timestamp: number;
  /** The sender's last measurement of our packets' one-way delay, in microseconds (0: none yet). */
  timestampDifference: number;
  /** Bytes the sender can still buffer (its receive window). */
  windowSize: number;
  seq: number;
  ack: number;
  /** The selective ACK bitmask, when the packet carries one. */
  sack?: Uint8Array;
  payload: Uint8Array;
}

export type DecodeResult =
  | { ok: true; packet: Packet }
  | { ok: false; reason: 'too-short' | 'bad-version' | 'bad-type' | 'bad-extension'; offset: number };

/** True when a datagram looks like uTP (version 1 in the low nibble, a known type): the DHT check. */
export function isUtpDatagram(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_SIZE) return false;
  const first = bytes[0] ?? 0;
  return (first & 0x0f) === UTP_VERSION && first >> 4 <= PacketType.SYN;
}

export function decodePacket(bytes: Uint8Array): DecodeResult {
  if (bytes.length < HEADER_SIZE) return { ok: false, reason: 'too-short', offset: bytes.length };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint8(0);
  if ((first & 0x0f) !== UTP_VERSION) return { ok: false, reason: 'bad-version', offset: 0 };
  const type = first >> 4;
  if (type > PacketType.SYN) return { ok: false, reason: 'bad-type', offset: 0 };
  let sack: Uint8Array | undefined;
  let next = view.getUint8(1);
  let offset = HEADER_SIZE;
  for (let count = 0; next !== 0; count++) {
    if (count >= MAX_EXTENSIONS || offset + 2 > bytes.length) return { ok: false, reason: 'bad-extension', offset };
    const kind = next;
    next = view.getUint8(offset);
    const length = view.getUint8(offset + 1);
    if (offset + 2 + length > bytes.length) return { ok: false, reason: 'bad-extension', offset: offset + 1 };
    // Unknown extensions are skipped (BEP 29); a SACK of any length is read as far as it goes.
    if (kind === EXTENSION_SACK) sack = bytes.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
  }
  const packet: Packet = {
    type: type as PacketType,
    connectionId: view.getUint16(2),
    timestamp: view.getUint32(4),
    timestampDifference: view.getUint32(8),
    windowSize: view.getUint32(12),
    seq: view.getUint16(16),
    ack: view.getUint16(18),
    payload: bytes.subarray(offset),
  };
  if (sack !== undefined) packet.sack = sack;
  return { ok: true, packet };
}

/**
 * Room before the payload in a data packet's datagram buffer (see `encodeHeaderBefore`): the header
 * plus a SACK extension of up to 32 bytes, the largest we send.
 */
export const DATAGRAM_HEADROOM = HEADER_SIZE + 2 + 32;

/** Bytes the header and extensions of `packet` take on the wire. */
export function headerLength(packet: Packet): number {
  return HEADER_SIZE + (packet.sack === undefined ? 0 : 2 + packet.sack.length);
}

/** Encodes a packet; the SACK mask, when present, must be a multiple of 4 bytes and at most 252. */
export function encodePacket(packet: Packet): Uint8Array {
  const length = headerLength(packet);
  const out = new Uint8Array(length + packet.payload.length);
  writeHeader(packet, out, 0);
  out.set(packet.payload, length);
  return out;
}

/**
 * Encodes a packet whose payload already sits in `datagram` at `payloadOffset`, by writing the
 * header into the room before it: no copy of the payload. Returns the datagram to send (a view of
 * `datagram`), or undefined when the header does not fit (the caller encodes a copy instead).
 */
export function encodeHeaderBefore(packet: Packet, datagram: Uint8Array, payloadOffset: number): Uint8Array | undefined {
  const start = payloadOffset - headerLength(packet);
  if (start < 0) return undefined;
  writeHeader(packet, datagram, start);
  return datagram.subarray(start);
}

function writeHeader(packet: Packet, out: Uint8Array, at: number): void {
  const view = new DataView(out.buffer, out.byteOffset + at);
  view.setUint8(0, (packet.type << 4) | UTP_VERSION);
  view.setUint8(1, packet.sack === undefined ? 0 : EXTENSION_SACK);
  view.setUint16(2, packet.connectionId & 0xffff);
  view.setUint32(4, packet.timestamp >>> 0);
  view.setUint32(8, packet.timestampDifference >>> 0);
  view.setUint32(12, Math.max(0, Math.min(packet.windowSize, 0xffffffff)) >>> 0);
  view.setUint16(16, packet.seq & 0xffff);
  view.setUint16(18, packet.ack & 0xffff);
  if (packet.sack !== undefined) {
    view.setUint8(HEADER_SIZE, 0);
    view.setUint8(HEADER_SIZE + 1, packet.sack.length);
    out.set(packet.sack, at + HEADER_SIZE + 2);
  }
}

/** The sequence numbers a SACK mask reports as received: bit i stands for ack + 2 + i. */
export function sackedSeqs(ack: number, mask: Uint8Array): number[] {
  const seqs: number[] = [];
  for (let byte = 0; byte < mask.length; byte++) {
    const bits = mask[byte] ?? 0;
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if ((bits & (1 << bit)) !== 0) seqs.push((ack + 2 + byte * 8 + bit) & 0xffff);
    }
  }
  return seqs;
}
