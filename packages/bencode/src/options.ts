// Decoder limits and their defaults. Every limit exists to bound the time and memory that hostile
// input can cost; the defaults are far above what any real .torrent, tracker or DHT message needs.

export interface DecodeOptions {
  /** Most containers open at once. Default 128. */
  maxDepth?: number;
  /** Longest input accepted, in bytes. Default 64 MiB; longer input throws 'INPUT_TOO_LARGE'. */
  maxInputLength?: number;
  /** Most values (integers, strings, lists, dicts; not keys) in one input. Default 2,000,000. */
  maxItems?: number;
  /** Accept dict keys out of byte order, as found in real-world .torrent files. Duplicates are still rejected. Default false. */
  lenientKeyOrder?: boolean;
  /** Ignore bytes after the first complete value instead of throwing 'TRAILING_BYTES'. Default false. */
  allowTrailing?: boolean;
}

export interface ResolvedOptions {
  readonly maxDepth: number;
  readonly maxInputLength: number;
  readonly maxItems: number;
  readonly lenientKeyOrder: boolean;
  readonly allowTrailing: boolean;
}

export const DEFAULT_MAX_DEPTH = 128;
export const DEFAULT_MAX_INPUT_LENGTH = 64 * 1024 * 1024;
export const DEFAULT_MAX_ITEMS = 2_000_000;

/**
 * Longest integer accepted, in digits. Not an option: parsing a decimal string into a bigint costs
 * more than linear time, so without a cap one 64 MiB integer would stall the decoder for minutes.
 * 1024 digits (about 3400 bits) is far beyond any integer a BitTorrent message carries.
 */
export const MAX_INTEGER_DIGITS = 1024;

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  // A NaN or fractional limit would silently disable or skew the check, so refuse it outright.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`bencode: ${name} must be a non-negative safe integer, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions(options: DecodeOptions | undefined): ResolvedOptions {
  return {
    maxDepth: limit('maxDepth', options?.maxDepth, DEFAULT_MAX_DEPTH),
    maxInputLength: limit('maxInputLength', options?.maxInputLength, DEFAULT_MAX_INPUT_LENGTH),
    maxItems: limit('maxItems', options?.maxItems, DEFAULT_MAX_ITEMS),
    lenientKeyOrder: options?.lenientKeyOrder === true,
    allowTrailing: options?.allowTrailing === true,
  };
}
