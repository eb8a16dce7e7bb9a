// Visits an encoder input in canonical order (dict keys sorted by raw bytes) and feeds a Sink.
// Iterative with an explicit stack, like the decoder, so deep values cannot overflow the call stack;
// a value that contains itself fails instead of looping forever.
import { isLatin1, isUint8Array } from './bytes.js';
import { unencodable } from './errors.js';
import type { Sink } from './sinks.js';
import type { BencodeInput } from './types.js';
import { compareCodePoints } from './utf8-encode.js';

const LETTER_L = 0x6c;
const LETTER_D = 0x64;
const LETTER_E = 0x65;

type InputList = readonly (BencodeInput | undefined)[];
type InputMap = ReadonlyMap<string, BencodeInput>;
type InputObject = { readonly [key: string]: BencodeInput | undefined };

/** An open container; `index` is the next member (or key) to visit. */
type Frame =
  | { readonly kind: 'list'; readonly source: InputList; readonly length: number; index: number }
  /** Map keys are latin1 byte strings, in canonical order. */
  | { readonly kind: 'map'; readonly source: InputMap; readonly keys: readonly string[]; readonly length: number; index: number }
  /** Plain-object keys are UTF-8 text, in canonical order, undefined-valued properties left out. */
  | { readonly kind: 'object'; readonly source: InputObject; readonly keys: readonly string[]; readonly length: number; index: number };

// Own guards: Array.isArray and `instanceof Map` would narrow to any[] / Map<any, any>.
function isInputList(v: object): v is InputList {
  return Array.isArray(v);
}

function isInputMap(v: object): v is InputMap {
  return v instanceof Map;
}

/** Only plain objects are dicts: a Date, Set or class instance is almost surely a mistake to encode. */
function isPlainObject(v: object): v is InputObject {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  const name: unknown = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' ? `${name} object` : 'object';
}

/** Sorts in place unless already sorted, which hand-built dicts often are; `compare` undefined means default order. */
function sortKeys(keys: string[], compare?: (a: string, b: string) => number): void {
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1] as string;
    const b = keys[i] as string;
    if (compare === undefined ? a >= b : compare(a, b) >= 0) {
      keys.sort(compare);
      return;
    }
  }
}

function mapFrame(map: InputMap): Frame {
  const keys: string[] = [];
  for (const key of map.keys()) {
    if (typeof key !== 'string' || !isLatin1(key)) {
      throw unencodable('Map key is not a latin1 byte string (use a plain object for text keys)');
    }
    keys.push(key);
  }
  // For latin1 strings UTF-16 unit order is byte order, so the default order is canonical.
  sortKeys(keys);
  return { kind: 'map', source: map, keys, length: keys.length, index: 0 };
}

function objectFrame(obj: InputObject): Frame {
  const keys: string[] = [];
  let hasSurrogates = false;
  for (const key of Object.keys(obj)) {
    if (obj[key] === undefined) continue;
    keys.push(key);
    // Lone surrogates are rejected when the key is written (utf8Length); here they only pick the order.
    if (!hasSurrogates) {
      for (let i = 0; i < key.length; i++) {
        const c = key.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdfff) {
          hasSurrogates = true;
          break;
        }
      }
    }
  }
  // UTF-16 unit order matches UTF-8 byte order unless surrogates are involved.
  sortKeys(keys, hasSurrogates ? compareCodePoints : undefined);
  return { kind: 'object', source: obj, keys, length: keys.length, index: 0 };
}

/** Emits a scalar, or returns the frame of a container for the caller to open. */
function visit(v: BencodeInput | undefined, sink: Sink): Frame | null {
  switch (typeof v) {
    case 'number':
      if (!Number.isInteger(v)) throw unencodable(`cannot encode non-integer number ${v}`);
      sink.integer(v);
      return null;
    case 'bigint':
      sink.integer(v);
      return null;
    case 'string':
      sink.utf8(v);
      return null;
    case 'object':
      if (v === null) break;
      if (v instanceof Uint8Array) {
        sink.bytes(v);
        return null;
      }
      if (isInputList(v)) return { kind: 'list', source: v, length: v.length, index: 0 };
      if (isInputMap(v)) return mapFrame(v);
      if (isPlainObject(v)) return objectFrame(v);
      // Last, as it is the slow check: a Uint8Array from another realm.
      if (isUint8Array(v)) {
        sink.bytes(v);
        return null;
      }
      break;
    default:
      break;
  }
  throw unencodable(`cannot encode ${describe(v)}`);
}

/** Emits the next member of `top` (preceded by its key in a dict) and returns its frame if it is a container. */
function visitNext(top: Frame, sink: Sink): Frame | null {
  const i = top.index++;
  switch (top.kind) {
    case 'list':
      return visit(top.source[i], sink);
    case 'map': {
      const key = top.keys[i] as string;
      sink.latin1(key);
      return visit(top.source.get(key), sink);
    }
    case 'object': {
      const key = top.keys[i] as string;
      sink.utf8(key);
      return visit(top.source[key], sink);
    }
  }
}

/**
 * Depth from which containers on the current path are tracked to catch a value that contains itself.
 * Below it nothing is tracked, which keeps ordinary shallow values free of that cost; a cycle still
 * cannot escape, since following it forever must pass this depth, and once past it the cycle is seen
 * again within its own length.
 */
const TRACK_PATH_FROM_DEPTH = 64;

function selfContaining(): Error {
  return unencodable('cannot encode a value that contains itself');
}

export function walk(value: BencodeInput, sink: Sink): void {
  const first = visit(value, sink);
  if (first === null) return;
  const stack: Frame[] = [first];
  let onPath: Set<object> | null = null;
  sink.token(first.kind === 'list' ? LETTER_L : LETTER_D);
  let top: Frame | undefined = first;
  while (top !== undefined) {
    if (top.index >= top.length) {
      sink.token(LETTER_E);
      stack.pop();
      if (onPath !== null) {
        onPath.delete(top.source);
        if (stack.length < TRACK_PATH_FROM_DEPTH) onPath = null;
      }
      top = stack[stack.length - 1];
      continue;
    }
    const child = visitNext(top, sink);
    if (child === null) continue;
    if (stack.length >= TRACK_PATH_FROM_DEPTH) {
      if (onPath === null) {
        onPath = new Set(stack.map((frame) => frame.source));
        if (onPath.size < stack.length) throw selfContaining();
      }
      if (onPath.has(child.source)) throw selfContaining();
      onPath.add(child.source);
    }
    stack.push(child);
    sink.token(child.kind === 'list' ? LETTER_L : LETTER_D);
    top = child;
  }
}
