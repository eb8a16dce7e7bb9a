// One error class for the package: a string-literal code to branch on, and the byte offset at which
// the problem was found (-1 for encoding errors, which have no input offset).

export type BencodeErrorCode =
  | 'UNEXPECTED_END'
  | 'INVALID_INTEGER'
  | 'LEADING_ZERO'
  | 'NEGATIVE_ZERO'
  | 'INVALID_LENGTH'
  | 'LENGTH_PAST_END'
  | 'UNSORTED_KEY'
  | 'DUPLICATE_KEY'
  | 'KEY_NOT_STRING'
  | 'UNEXPECTED_BYTE'
  | 'TRAILING_BYTES'
  | 'TOO_DEEP'
  | 'TOO_MANY_ITEMS'
  | 'INPUT_TOO_LARGE'
  | 'UNENCODABLE';

export class BencodeError extends Error {
  readonly code: BencodeErrorCode;
  /** Byte offset into the decoder's input where the problem was found; -1 when encoding. */
  readonly offset: number;

  /** `detail` is a lowercase phrase; the message becomes "bencode: <detail> at byte <offset>". */
  constructor(code: BencodeErrorCode, offset: number, detail: string) {
    super(offset >= 0 ? `bencode: ${detail} at byte ${offset}` : `bencode: ${detail}`);
    this.name = 'BencodeError';
    this.code = code;
    this.offset = offset;
  }
}

/** Encoding errors carry offset -1: they come from a JS value, not from input bytes. */
export function unencodable(detail: string): BencodeError {
  return new BencodeError('UNENCODABLE', -1, detail);
}
