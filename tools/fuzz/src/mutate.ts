// The mutator: turns a corpus entry into a new input with one to four stacked edits, in the manner
// of AFL's havoc stage, plus splices with another entry and, rarely, amplification (one slice
// repeated many times) so that inputs big enough to expose super-linear parsing turn up.
import type { Rng } from './rng.js';

/** Values at the edges of the integer types parsers check: 8/16/32/53/64-bit limits and zero. */
const INTERESTING = [
  0, 1, -1, 2, 7, 8, 16, 19, 20, 32, 64, 100, 127, 128, 255, 256, 1000, 1024, 4095, 4096, 16383, 16384, 16385,
  32767, 32768, 65535, 65536, 1048576, 2147483647, 2147483648, 4294967295, 4294967296,
];
const INTERESTING_TEXT = [
  ...INTERESTING.map(String), '-0', '00', '01', '9007199254740991', '9007199254740992', '18446744073709551615',
  '99999999999999999999999', '-9007199254740993',
];

export interface MutationContext {
  readonly rng: Rng;
  /** Other corpus entries, for splicing. */
  readonly corpus: readonly Uint8Array[];
  /** The target's tokens, as bytes. */
  readonly dictionary: readonly Uint8Array[];
  readonly maxLength: number;
}

type Edit = (input: Uint8Array, ctx: MutationContext) => Uint8Array;

function replaceRange(input: Uint8Array, start: number, end: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length - (end - start) + insert.length);
  out.set(input.subarray(0, start));
  out.set(insert, start);
  out.set(input.subarray(end), start + insert.length);
  return out;
}

const flipBit: Edit = (input, { rng }) => {
  if (input.length === 0) return input;
  const out = input.slice();
  const i = rng.below(out.length);
  out[i] = (out[i] as number) ^ (1 << rng.below(8));
  return out;
};

const setByte: Edit = (input, { rng }) => {
  if (input.length === 0) return Uint8Array.of(rng.below(256));
  const out = input.slice();
  out[rng.below(out.length)] = rng.below(256);
  return out;
};

const insertBytes: Edit = (input, { rng }) => {
  const bytes = Uint8Array.from({ length: 1 + rng.below(8) }, () => rng.below(256));
  const at = rng.below(input.length + 1);
  return replaceRange(input, at, at, bytes);
};

const deleteRange: Edit = (input, { rng }) => {
  if (input.length === 0) return input;
  const start = rng.below(input.length);
  const length = 1 + rng.below(rng.oneIn(4) ? input.length - start : Math.min(16, input.length - start));
  return replaceRange(input, start, start + length, new Uint8Array(0));
};

const copyRange: Edit = (input, { rng }) => {
  if (input.length === 0) return input;
  const start = rng.below(input.length);
  const slice = input.slice(start, start + 1 + rng.below(Math.min(64, input.length - start)));
  const at = rng.below(input.length + 1);
  return rng.oneIn(2) ? replaceRange(input, at, at, slice) : replaceRange(input, at, Math.min(input.length, at + slice.length), slice);
};

const splice: Edit = (input, { rng, corpus }) => {
  if (corpus.length === 0) return input;
  const other = rng.pick(corpus);
  if (rng.oneIn(2)) {
    // Head of this input, tail of the other.
    return replaceRange(input, rng.below(input.length + 1), input.length, other.subarray(rng.below(other.length + 1)));
  }
  const start = rng.below(other.length + 1);
  const chunk = other.subarray(start, start + rng.below(Math.min(256, other.length - start) + 1));
  const at = rng.below(input.length + 1);
  return replaceRange(input, at, at, chunk);
};

const binaryInteger: Edit = (input, { rng }) => {
  const width = rng.pick([1, 2, 4]);
  if (input.length < width) return input;
  const out = input.slice();
  const view = new DataView(out.buffer);
  const value = rng.pick(INTERESTING) >>> 0;
  const at = rng.below(out.length - width + 1);
  const littleEndian = rng.oneIn(4);
  if (width === 1) view.setUint8(at, value & 0xff);
  else if (width === 2) view.setUint16(at, value & 0xffff, littleEndian);
  else view.setUint32(at, value, littleEndian);
  return out;
};

/** Replaces a run of ASCII digits (a bencode length or integer, a port in a URL) with another number. */
const decimalInteger: Edit = (input, { rng }) => {
  const starts: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as number;
    const prev = i === 0 ? 0 : (input[i - 1] as number);
    if (c >= 0x30 && c <= 0x39 && !(prev >= 0x30 && prev <= 0x39)) starts.push(i);
  }
  if (starts.length === 0) return input;
  const start = rng.pick(starts);
  let end = start;
  while (end < input.length && (input[end] as number) >= 0x30 && (input[end] as number) <= 0x39) end++;
  let text: string;
  if (rng.oneIn(2)) {
    text = rng.pick(INTERESTING_TEXT);
  } else {
    // Nudge the number: off-by-one lengths are where parsers go wrong.
    const value = Number(new TextDecoder().decode(input.subarray(start, end)));
    text = String(Math.max(0, value + rng.pick([-2, -1, 1, 2, 10])));
  }
  return replaceRange(input, start, end, new TextEncoder().encode(text));
};

const token: Edit = (input, { rng, dictionary }) => {
  if (dictionary.length === 0) return input;
  const word = rng.pick(dictionary);
  const at = rng.below(input.length + 1);
  return rng.oneIn(2) ? replaceRange(input, at, at, word) : replaceRange(input, at, Math.min(input.length, at + word.length), word);
};

const truncate: Edit = (input, { rng }) => input.subarray(0, rng.below(input.length + 1)).slice();

/** One slice repeated up to 16 times the normal length limit: a million tiers from one `l...e`. */
const amplify: Edit = (input, { rng, maxLength }) => {
  if (input.length === 0) return input;
  const start = rng.below(input.length);
  const slice = input.subarray(start, start + 1 + rng.below(Math.min(32, input.length - start)));
  const times = Math.max(2, Math.floor((maxLength * (1 + rng.below(16))) / slice.length));
  const repeated = new Uint8Array(slice.length * times);
  for (let i = 0; i < times; i++) repeated.set(slice, i * slice.length);
  return replaceRange(input, start, start, repeated);
};

const EDITS: readonly Edit[] = [
  flipBit, setByte, insertBytes, deleteRange, copyRange, splice, binaryInteger, decimalInteger, decimalInteger,
  token, token, token, truncate,
];

/** A new input from `input`: 1-4 edits, each result clipped to `maxLength` unless it was amplified. */
export function mutate(input: Uint8Array, ctx: MutationContext): Uint8Array {
  if (ctx.rng.oneIn(200)) return amplify(input, ctx);
  let out = input;
  const edits = 1 + ctx.rng.below(4);
  for (let i = 0; i < edits; i++) {
    out = ctx.rng.pick(EDITS)(out, ctx);
    if (out.length > ctx.maxLength) out = out.subarray(0, ctx.maxLength);
  }
  return out === input ? flipBit(input, ctx) : out;
}
