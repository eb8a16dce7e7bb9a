// The decoding loop. Iterative with an explicit stack of open containers, so nesting depth is bounded
// by `maxDepth` and the heap, never by the JS call stack.
import { compareByteRanges, latin1Range } from './bytes.js';
import { BencodeError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { LETTER_E, MINUS, NINE, ZERO, readInteger, readLength, type Cursor } from './scalars.js';
import type { SpanRecorder } from './span-recorder.js';
import type { BencodeDict, BencodeList, BencodeValue } from './types.js';

const LETTER_I = 0x69;
const LETTER_L = 0x6c;
const LETTER_D = 0x64;

/** An open list or dict. Exactly one of `list` and `dict` is set. */
interface Frame {
  readonly container: BencodeList | BencodeDict;
  readonly list: BencodeList | null;
  readonly dict: BencodeDict | null;
  /** Offset of the 'l' or 'd'. */
  readonly start: number;
  /** Dict only: the key read whose value comes next, or null when a key (or 'e') comes next. */
  key: string | null;
  /** Dict only: raw bytes of the previous key, input[keyStart, keyEnd), for the order check. */
  keyStart: number;
  keyEnd: number;
}

/**
 * Decodes one value from `input` (which must be a plain Uint8Array view, see decode.ts) and returns it;
 * byte strings are subarrays of `input`. When `spans` is given, the span of every container nested at
 * most `spanDepth` deep (the root is depth 0), and of each of its members, is reported to it: deeper
 * spans cost a map entry per container, which a hostile input with a million lists turns into seconds.
 */
export function decodeValue(
  input: Uint8Array, options: ResolvedOptions, spans: SpanRecorder | null, spanDepth = Infinity,
): BencodeValue {
  const end = input.length;
  if (end > options.maxInputLength) {
    throw new BencodeError('INPUT_TOO_LARGE', options.maxInputLength, `input longer than ${options.maxInputLength} bytes`);
  }
  const { maxDepth, maxItems, lenientKeyOrder } = options;
  const integer: Cursor<number | bigint> = { value: 0, next: 0 };
  const length: Cursor<number> = { value: 0, next: 0 };
  const stack: Frame[] = [];
  let top: Frame | undefined;
  let items = 0;
  let pos = 0;

  for (;;) {
    if (pos >= end) throw new BencodeError('UNEXPECTED_END', end, 'unexpected end of input');
    const c = input[pos] as number;

    if (top !== undefined && top.dict !== null && top.key === null) {
      // A dict wants its next key or its closing 'e'.
      if (c !== LETTER_E) {
        if (c < ZERO || c > NINE) throw new BencodeError('KEY_NOT_STRING', pos, 'dictionary key is not a byte string');
        readLength(input, pos, length);
        const keyStart = length.next;
        const keyEnd = keyStart + length.value;
        const key = latin1Range(input, keyStart, keyEnd);
        checkKey(input, top.dict, top, key, pos, keyStart, keyEnd, lenientKeyOrder);
        top.key = key;
        top.keyStart = keyStart;
        top.keyEnd = keyEnd;
        pos = keyEnd;
        continue;
      }
      // c is 'e': fall through to close the dict.
    }

    const start = pos;
    let value: BencodeValue;
    if (c === LETTER_E) {
      if (top === undefined) throw new BencodeError('UNEXPECTED_BYTE', pos, "unexpected 'e' outside a list or dictionary");
      if (top.key !== null) throw new BencodeError('UNEXPECTED_BYTE', pos, 'dictionary key has no value');
      pos++;
      if (stack.length - 1 <= spanDepth) spans?.container(top.container, top.start, pos);
      const closed = top;
      stack.pop();
      top = stack[stack.length - 1];
      if (top !== undefined) {
        addToParent(top, closed.container, closed.start, pos, stack.length - 1 <= spanDepth ? spans : null);
        continue;
      }
      return finish(input, closed.container, pos, options);
    }

    if (++items > maxItems) throw new BencodeError('TOO_MANY_ITEMS', pos, `more than ${maxItems} values`);

    if (c >= ZERO && c <= NINE) {
      readLength(input, pos, length);
      pos = length.next + length.value;
      value = input.subarray(length.next, pos);
    } else if (c === LETTER_I) {
      readInteger(input, pos, integer);
      pos = integer.next;
      value = integer.value;
    } else if (c === LETTER_L || c === LETTER_D) {
      if (stack.length >= maxDepth) throw new BencodeError('TOO_DEEP', pos, `nesting deeper than ${maxDepth}`);
      top = c === LETTER_L ? openList(pos) : openDict(pos);
      stack.push(top);
      pos++;
      continue;
    } else if (c === MINUS) {
      throw new BencodeError('INVALID_LENGTH', pos, 'negative string length');
    } else {
      throw new BencodeError('UNEXPECTED_BYTE', pos, `unexpected byte 0x${c.toString(16).padStart(2, '0')}`);
    }

    if (top === undefined) return finish(input, value, pos, options);
    addToParent(top, value, start, pos, stack.length - 1 <= spanDepth ? spans : null);
  }
}

function openList(start: number): Frame {
  const list: BencodeList = [];
  return { container: list, list, dict: null, start, key: null, keyStart: -1, keyEnd: -1 };
}

function openDict(start: number): Frame {
  const dict: BencodeDict = new Map();
  return { container: dict, list: null, dict, start, key: null, keyStart: -1, keyEnd: -1 };
}

function addToParent(parent: Frame, value: BencodeValue, start: number, end: number, spans: SpanRecorder | null): void {
  if (parent.list !== null) {
    parent.list.push(value);
    spans?.listMember(parent.list, start, end);
  } else if (parent.dict !== null && parent.key !== null) {
    parent.dict.set(parent.key, value);
    spans?.dictMember(parent.dict, parent.key, start, end);
    parent.key = null;
  }
}

/**
 * Enforces canonical key order: each key's raw bytes must sort strictly after the previous key's.
 * In lenient mode any order is accepted but a repeated key is still an error, since one of the two
 * values would otherwise be silently lost.
 */
function checkKey(
  input: Uint8Array, dict: BencodeDict, frame: Frame, key: string, offset: number,
  keyStart: number, keyEnd: number, lenient: boolean,
): void {
  if (lenient) {
    if (dict.has(key)) throw new BencodeError('DUPLICATE_KEY', offset, 'duplicate dictionary key');
    return;
  }
  if (frame.keyStart < 0) return;
  const order = compareByteRanges(input, frame.keyStart, frame.keyEnd, input, keyStart, keyEnd);
  if (order < 0) return;
  // Equal to the previous key, or smaller and already present: either way a repeat.
  if (order === 0 || dict.has(key)) throw new BencodeError('DUPLICATE_KEY', offset, 'duplicate dictionary key');
  throw new BencodeError('UNSORTED_KEY', offset, 'dictionary keys not in sorted order');
}

function finish(input: Uint8Array, value: BencodeValue, pos: number, options: ResolvedOptions): BencodeValue {
  if (pos < input.length && !options.allowTrailing) {
    throw new BencodeError('TRAILING_BYTES', pos, 'trailing bytes after value');
  }
  return value;
}
