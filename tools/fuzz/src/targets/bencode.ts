// @typetorrent/bencode: strict decode must re-encode to the very same bytes (canonical form), and
// lenient decode must survive decode(encode(decode(x))). Spans must not change the value.
import { BencodeError, decode, decodeWithSpans, encode, isBytes, isDict, isList, type BencodeValue } from '@typetorrent/bencode';
import { bucket, errorLabel, expectSame, type FuzzTarget } from '../target.js';
import { BENCODE_TOKENS, keyTokens } from './bencode-tokens.js';

function shape(value: BencodeValue, depth = 0): string {
  if (depth > 3) return '…';
  if (isBytes(value)) return `s${bucket(value.length)}`;
  if (isList(value)) return `l${bucket(value.length)}(${value.slice(0, 2).map((v) => shape(v, depth + 1)).join(',')})`;
  if (isDict(value)) return `d${bucket(value.size)}(${[...value.values()].slice(0, 2).map((v) => shape(v, depth + 1)).join(',')})`;
  return typeof value === 'bigint' ? 'I' : 'i';
}

export const bencodeTarget: FuzzTarget = {
  name: 'bencode',
  dictionary: [...BENCODE_TOKENS, ...keyTokens(['info', 'a', 'b', 'spam', 'zz'])],
  run(input) {
    const lenient = { lenientKeyOrder: true, allowTrailing: true };
    const loose = decode(input, lenient);
    expectSame('lenient decode(encode(decode(x)))', loose, decode(encode(loose), lenient));
    expectSame('decodeWithSpans value', loose, decodeWithSpans(input, lenient).value);
    let strict = 'rejected';
    try {
      const value = decode(input);
      // Strict decoding accepts canonical input only, so encoding gives back the input itself.
      expectSame('strict encode(decode(x)) against x', input, encode(value));
      strict = 'ok';
    } catch (error) {
      if (!(error instanceof BencodeError)) throw error;
    }
    return `${shape(loose)} strict:${strict}`;
  },
  expectedError(error) {
    return error instanceof BencodeError ? errorLabel(error.code, error.offset) : undefined;
  },
};
