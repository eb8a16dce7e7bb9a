// Public decoding entry points.
import { isUint8Array } from './bytes.js';
import { decodeValue } from './decoder.js';
import { resolveOptions, type DecodeOptions } from './options.js';
import { SpanRecorder } from './span-recorder.js';
import type { BencodeDict, BencodeList, BencodeValue, Span } from './types.js';

export interface DecodedWithSpans {
  readonly value: BencodeValue;
  /** Span of a dict or list decoded in this call, from its 'd'/'l' through its 'e'. */
  spanOf(container: BencodeDict | BencodeList): Span | undefined;
  /** Raw span of the value stored under `key` in a dict decoded in this call, whatever its type. */
  spanOfKey(dict: BencodeDict, key: string): Span | undefined;
  /** Raw span of the member at `index` of a list decoded in this call. */
  spanOfIndex(list: BencodeList, index: number): Span | undefined;
}

/**
 * A plain Uint8Array over the same memory. Byte strings are subarrays of this, so a Buffer input
 * yields Uint8Array values rather than Buffers, still without copying.
 */
function view(input: Uint8Array): Uint8Array {
  // Guards JS callers: a string input would otherwise be read as garbage char codes.
  if (!isUint8Array(input)) throw new TypeError('bencode: decode input must be a Uint8Array');
  return input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * Decodes exactly one bencoded value. Byte strings in the result are views into `input`, not copies:
 * copy them (`.slice()`) to keep them after `input` is reused or modified.
 * Throws BencodeError on malformed input or exceeded limits, with the byte offset of the problem.
 */
export function decode(input: Uint8Array, options?: DecodeOptions): BencodeValue {
  return decodeValue(view(input), resolveOptions(options), null);
}

export interface SpanOptions extends DecodeOptions {
  /**
   * Record spans only for containers nested at most this deep (the root is 0) and their members.
   * Default: every container. A caller that needs only the root's members (the info dict of a
   * .torrent) passes 0, so a hostile file with a million nested lists costs no span bookkeeping.
   */
  spanDepth?: number;
}

/**
 * Like decode, and also reports where each container and each container member lies in `input`, e.g.
 * the info-hash of a .torrent is sha1(input.subarray(s.start, s.end)) with s = spanOfKey(root, 'info').
 */
export function decodeWithSpans(input: Uint8Array, options?: SpanOptions): DecodedWithSpans {
  const spanDepth = options?.spanDepth ?? Infinity;
  if (!(spanDepth >= 0)) throw new RangeError(`bencode: spanDepth must be non-negative, got ${String(spanDepth)}`);
  const spans = new SpanRecorder();
  const value = decodeValue(view(input), resolveOptions(options), spans, spanDepth);
  return {
    value,
    spanOf: (container) => spans.spanOf(container),
    spanOfKey: (dict, key) => spans.spanOfKey(dict, key),
    spanOfIndex: (list, index) => spans.spanOfIndex(list, index),
  };
}
