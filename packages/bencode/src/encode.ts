// Public encoding entry points. Output is canonical: dict keys sorted by raw bytes, integers in
// shortest form, so equal values always encode to equal bytes.
import { ByteWriter, LengthCounter } from './sinks.js';
import type { BencodeInput } from './types.js';
import { walk } from './walk.js';

/** First buffer size for encode(); it doubles as needed, so this only saves reallocations for small values. */
const INITIAL_CAPACITY = 256;

/** Encodes a value. Throws BencodeError 'UNENCODABLE' (offset -1) for anything bencode cannot hold. */
export function encode(value: BencodeInput): Uint8Array {
  const writer = new ByteWriter(new Uint8Array(INITIAL_CAPACITY), 0, true);
  walk(value, writer);
  // Copy to the exact size rather than return a view, so the result pins no spare capacity.
  return writer.buffer.slice(0, writer.pos);
}

/** Exact number of bytes encode(value) produces, without producing them. */
export function encodedLength(value: BencodeInput): number {
  const counter = new LengthCounter();
  walk(value, counter);
  return counter.length;
}

/**
 * Encodes `value` into `target` at `offset` and returns the bytes written. The value is sized first,
 * so on any error (UNENCODABLE, or RangeError when it does not fit) `target` is left untouched.
 */
export function encodeInto(value: BencodeInput, target: Uint8Array, offset = 0): number {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > target.length) {
    throw new RangeError(`bencode: offset ${offset} is outside the target (length ${target.length})`);
  }
  const length = encodedLength(value);
  if (length > target.length - offset) {
    throw new RangeError(`bencode: value needs ${length} bytes, target has ${target.length - offset} from offset ${offset}`);
  }
  const writer = new ByteWriter(target, offset, false);
  walk(value, writer);
  return writer.pos - offset;
}
