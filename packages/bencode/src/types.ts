// The value model shared by the decoder and the encoder.

/**
 * A decoded dictionary. Keys are byte strings held as latin1 ("binary") JS strings: one char per byte,
 * so any key round-trips losslessly and ASCII keys read naturally (`dict.get('info')`). A Map rather
 * than a plain object, so hostile keys such as `__proto__` are ordinary keys and pollute nothing.
 */
export type BencodeDict = Map<string, BencodeValue>;

export type BencodeList = BencodeValue[];

/**
 * A decoded value. Integers are `number` when `Number.isSafeInteger` holds and `bigint` otherwise, so
 * they are always exact. Byte strings are `Uint8Array` views into the decoder's input (no copy).
 */
export type BencodeValue = number | bigint | Uint8Array | BencodeList | BencodeDict;

/**
 * What `encode` accepts: the decoded types plus conveniences. `string` is encoded as UTF-8. Map keys
 * are latin1 byte strings (as decoded); plain-object keys are encoded as UTF-8, and properties whose
 * value is `undefined` are left out.
 */
export type BencodeInput =
  | number
  | bigint
  | string
  | Uint8Array
  | readonly BencodeInput[]
  | ReadonlyMap<string, BencodeInput>
  | { readonly [key: string]: BencodeInput | undefined };

/** Byte offsets into the decoder's input; `end` is exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}
