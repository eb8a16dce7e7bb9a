// 160-bit node ids and info-hashes, and the XOR metric of BEP 5.
import type { RandomSource } from './env.js';

export const ID_LENGTH = 20;
export const ID_BITS = 160;

export function isId(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === ID_LENGTH;
}

export function idToHex(id: Uint8Array): string {
  let s = '';
  for (const b of id) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Parses 40 hex digits; undefined for anything else. */
export function hexToId(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) return undefined;
  const out = new Uint8Array(ID_LENGTH);
  for (let i = 0; i < ID_LENGTH; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function idEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Negative when `a` is closer to `target` than `b`, 0 when equally close (a equals b). */
export function compareDistance(a: Uint8Array, b: Uint8Array, target: Uint8Array): number {
  for (let i = 0; i < ID_LENGTH; i++) {
    const da = a[i]! ^ target[i]!;
    const db = b[i]! ^ target[i]!;
    if (da !== db) return da - db;
  }
  return 0;
}

/** Number of leading bits `a` and `b` share (160 when equal). */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_LENGTH; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return ID_BITS;
}

/**
 * A random id sharing exactly `prefix` leading bits with `base` (bit `prefix` flipped), or at least
 * `prefix` bits when `exact` is false: a target inside one routing-table bucket, for refreshes.
 */
export function randomIdWithPrefix(base: Uint8Array, prefix: number, exact: boolean, random: RandomSource): Uint8Array {
  const id = random.bytes(ID_LENGTH);
  for (let bit = 0; bit < Math.min(prefix, ID_BITS); bit++) setBit(id, bit, getBit(base, bit));
  if (exact && prefix < ID_BITS) setBit(id, prefix, getBit(base, prefix) ^ 1);
  return id;
}

function getBit(id: Uint8Array, bit: number): number {
  return (id[bit >> 3]! >> (7 - (bit & 7))) & 1;
}

function setBit(id: Uint8Array, bit: number, value: number): void {
  const mask = 1 << (7 - (bit & 7));
  id[bit >> 3] = value ? id[bit >> 3]! | mask : id[bit >> 3]! & ~mask;
}
