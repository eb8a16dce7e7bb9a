// What a fuzz target is. A target names a parser, the folder of its seed corpus, tokens worth
// inserting, and a function that runs one input; the runner does the rest (see README: adding a target).

export interface FuzzTarget {
  /** Printed in the result line and used as the folder name under corpus/ and crashers/. */
  readonly name: string;
  /** Byte strings the mutator inserts or overwrites with, e.g. bencode tokens and key names. */
  readonly dictionary: readonly string[];
  /** Longest input the mutator builds. Default 4096; amplification may go up to 16 times this. */
  readonly maxInputLength?: number;
  /**
   * Runs one input through the parser and any round-trip check. Returns a short label for the shape
   * of what was decoded (message kinds, counts bucketed), which the runner uses as a novelty signal.
   * Throws whatever the parser throws; a round-trip mismatch throws a RoundTripMismatch.
   */
  run(input: Uint8Array): string;
  /**
   * For an exception `run` threw: a label (its code, and the field or offset bucket) when it is the
   * package's own typed error, i.e. an expected rejection; undefined when it is a finding.
   */
  expectedError(error: unknown): string | undefined;
}

/** Thrown by a target when decode(encode(decode(x))) differs from decode(x). Always a finding. */
export class RoundTripMismatch extends Error {
  override readonly name = 'RoundTripMismatch';

  /** `check` names the comparison that failed; findings are deduplicated by it. */
  constructor(readonly check: string, message: string) {
    super(`${check}: ${message}`);
  }
}

/** Throws a RoundTripMismatch unless the two canonical forms (see `canonical`) are equal. */
export function expectSame(check: string, first: unknown, second: unknown): void {
  const a = canonical(first);
  const b = canonical(second);
  if (a !== b) throw new RoundTripMismatch(check, `${clip(a)} became ${clip(b)}`);
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/**
 * A stable text form of decoded values for comparison: byte arrays as hex, maps as entry lists
 * sorted by key (a bencode dict's meaning does not depend on the order its keys came in), bigints
 * with an `n`, undefined kept (JSON would drop it).
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    if (v instanceof Map) return { map: [...(v as Map<unknown, unknown>).entries()].sort(byKey) };
    if (v instanceof Set) return { set: [...(v as Set<unknown>)] };
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined) return 'undefined';
    return v;
  }) ?? 'undefined';
}

function byKey(a: [unknown, unknown], b: [unknown, unknown]): number {
  const x = String(a[0]);
  const y = String(b[0]);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A coarse size class (0, 1, 2-3, 4-7, ...): counts in shape labels, so lengths do not flood the corpus. */
export function bucket(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/** Label for a typed error with a string code and optionally a field or byte offset. */
export function errorLabel(code: string, where?: string | number): string {
  if (where === undefined) return code;
  return typeof where === 'number' ? `${code}@${bucket(where)}` : `${code}@${where.replace(/\[\d+\]/g, '[]')}`;
}
