// The handshake's 8 reserved bytes, bit by bit. Byte 0 is the first byte on the wire.
import { invalidArgument } from './errors.js';

export interface ReservedFlags {
  /** BEP 10 extension protocol: reserved[5] & 0x10 ("bit 20 from the right"). */
  extended: boolean;
  /** BEP 6 fast extension: reserved[7] & 0x04. */
  fast: boolean;
  /** BEP 5 DHT: reserved[7] & 0x01 (the peer will send a `port` message). */
  dht: boolean;
}

interface ReservedBit {
  byte: number;
  mask: number;
}

const BITS: Record<keyof ReservedFlags, ReservedBit> = {
  extended: { byte: 5, mask: 0x10 },
  fast: { byte: 7, mask: 0x04 },
  dht: { byte: 7, mask: 0x01 },
};

/** The 8 reserved bytes with the given extensions announced and every other bit zero. */
export function encodeReserved(flags: Partial<ReservedFlags>): Uint8Array {
  const reserved = new Uint8Array(8);
  for (const name of Object.keys(BITS) as (keyof ReservedFlags)[]) {
    if (flags[name] === true) {
      const bit = BITS[name];
      reserved[bit.byte] = (reserved[bit.byte] ?? 0) | bit.mask;
    }
  }
  return reserved;
}

/** Which known extensions a peer's reserved bytes announce. Unknown bits are ignored (BEP 3). */
export function decodeReserved(reserved: Uint8Array): ReservedFlags {
  if (reserved.length !== 8) throw invalidArgument('reserved', `must be 8 bytes, got ${reserved.length}`);
  const has = (bit: ReservedBit): boolean => ((reserved[bit.byte] ?? 0) & bit.mask) !== 0;
  return { extended: has(BITS.extended), fast: has(BITS.fast), dht: has(BITS.dht) };
}

/**
 * What both ends support: BEP 6 and BEP 10 are enabled "only if both ends of the connection set
 * this bit".
 */
export function negotiate(ours: ReservedFlags, theirs: ReservedFlags): ReservedFlags {
  return {
    extended: ours.extended && theirs.extended,
    fast: ours.fast && theirs.fast,
    dht: ours.dht && theirs.dht,
  };
}
