// Visits an encoder input in canonical order (dict keys sorted by raw bytes) and feeds a Sink.
// Iterative with an explicit stack, like the decoder, so deep values cannot overflow the call stack;
// containers on the current path are tracked so a cyclic value fails instead of looping forever.
import { isLatin1, isUint8Array } from './bytes.js';
import { unencodable } from './errors.js';
import type { Sink } from './sinks.js';
import type { BencodeInput } from './types.js';
import { compareCodePoints, utf8Length } from './utf8-encode.js';

const LETTER_L = 0x6c;
const LETTER_D = 0x64;
const LETTER_E = 0x65;

type InputMap = ReadonlyMap<string, BencodeInput>;
type InputObject = { readonly [key: string]: BencodeInput | undefined };

interface Frame {
  readonly source: object;
  /** List members, or dict values in key order. Typed with undefined because JS callers can put it anywhere. */
  readonly values: readonly (BencodeInput | undefined)[];
  /** Dict keys in canonical order; null for a list. */
  readonly keys: readonly string[] | null;
  /** Map keys are latin1 byte strings; plain-object keys are UTF-8 text. */
  readonly latin1Keys: boolean;
  index: number;
}

// Own guards: Array.isArray and `instanceof Map` would narrow to any[] / Map<any, any>.
function isInputList(v: object): v is readonly BencodeInput[] {
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

function mapFrame(map: InputMap): Frame {
  const keys: string[] = [];
  for (const key of map.keys()) {
    if (typeof key !== 'string' || !isLatin1(key)) {
      throw unencodable('Map key is not a latin1 byte string (use a plain object for text keys)');
    }
    keys.push(key);
  }
  // For latin1 strings UTF-16 unit order is byte order, so the default sort is canonical.
  keys.sort();
  const values = keys.map((key) => map.get(key));
  return { source: map, values, keys, latin1Keys: true, index: 0 };
}

function objectFrame(obj: InputObject): Frame {
  const keys: string[] = [];
  let needsCodePointSort = false;
  for (const key of Object.keys(obj)) {
    if (obj[key] === undefined) continue;
    utf8Length(key); // rejects lone surrogates before they reach the output
    keys.push(key);
    if (!needsCodePointSort && /[\ud800-\udfff]/.test(key)) needsCodePointSort = true;
  }
  // Default sort is UTF-16 unit order, which matches UTF-8 byte order unless surrogates are involved.
  if (needsCodePointSort) keys.sort(compareCodePoints);
  else keys.sort();
  const values = keys.map((key) => obj[key]);
  return { source: obj, values, keys, latin1Keys: false, index: 0 };
}

/**
 * Emits a scalar, or returns the frame for a container for the caller to push.
 */
function visit(v: BencodeInput, sink: Sink): Frame | null {
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
      if (isInputList(v)) return { source: v, values: v, keys: null, latin1Keys: false, index: 0 };
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

export function walk(value: BencodeInput, sink: Sink): void {
  const first = visit(value, sink);
  if (first === null) return;
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  const open = (frame: Frame): void => {
    if (onPath.has(frame.source)) throw unencodable('cannot encode a value that contains itself');
    onPath.add(frame.source);
    stack.push(frame);
    sink.token(frame.keys === null ? LETTER_L : LETTER_D);
  };
  open(first);
  let top: Frame | undefined = first;
  while (top !== undefined) {
    if (top.index >= top.values.length) {
      sink.token(LETTER_E);
      onPath.delete(top.source);
      stack.pop();
      top = stack[stack.length - 1];
      continue;
    }
    const i = top.index++;
    if (top.keys !== null) {
      const key = top.keys[i] as string;
      if (top.latin1Keys) sink.latin1(key);
      else sink.utf8(key);
    }
    const member = top.values[i];
    if (member === undefined) throw unencodable('cannot encode undefined');
    const child = visit(member, sink);
    if (child !== null) {
      open(child);
      top = child;
    }
  }
}
