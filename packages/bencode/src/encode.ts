// Public encoding entry points. Output is canonical: dict keys sorted by raw bytes, integers in
// shortest form, so equal values always encode to equal bytes.
import { ChunkWriter } from './chunk-writer.js';
import { FixedWriter, LengthCounter } from './sinks.js';
import type { BencodeInput } from './types.js';
import { walk } from './walk.js';

/** Encodes a value. Throws BencodeError 'UNENCODABLE' (offset -1) for anything bencode cannot hold. */
export function encode(value: BencodeInput): Uint8Array {
  const writer = new ChunkWriter();
  try {
    walk(value, writer);
  } catch (e) {
    writer.release();
    throw e;
  }
  return writer.result();
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
  const writer = new FixedWriter(target, offset);
  walk(value, writer);
  return writer.pos - offset;
}
