// @typetorrent/bencode: strict bencode decoding with limits and byte offsets, canonical encoding,
// and raw spans for hashing the exact bytes of a sub-value.
export type { BencodeDict, BencodeInput, BencodeList, BencodeValue, Span } from './types.js';
export { BencodeError, type BencodeErrorCode } from './errors.js';
export type { DecodeOptions } from './options.js';
export { decode, decodeWithSpans, type DecodedWithSpans, type SpanOptions } from './decode.js';
export { encode, encodedLength, encodeInto } from './encode.js';
export { isBytes, isDict, isInteger, isList } from './guards.js';
export { bytesToLatin1, latin1ToBytes, utf8 } from './bytes.js';
