// @typetorrent/storage's fast-resume record. decodeResume never throws (a damaged record is a value
// saying why), so any exception is a finding. The expectation (info-hash, piece and file counts) is
// read from the input itself where it can be, so that mutants get past the first checks.
import { decode, isBytes, isDict, isList } from '@typetorrent/bencode';
import { decodeResume, encodeResume, type ResumeData, type ResumeExpectation } from '@typetorrent/storage';
import { bucket, expectSame, type FuzzTarget } from '../target.js';
import { BENCODE_TOKENS, keyTokens } from './bencode-tokens.js';

const DEFAULT_HASH = new Uint8Array(20).fill(0xab);

function expectationFor(input: Uint8Array): ResumeExpectation {
  let root;
  try {
    root = decode(input);
  } catch {
    return { infoHash: DEFAULT_HASH, pieceCount: 37, fileCount: 3 };
  }
  const hash = isDict(root) ? root.get('info-hash') : undefined;
  const pieces = isDict(root) ? root.get('piece-count') : undefined;
  const files = isDict(root) ? root.get('files') : undefined;
  return {
    infoHash: isBytes(hash) ? hash.slice() : DEFAULT_HASH,
    // A real torrent has at most a few million pieces; the decoder is handed no more than that.
    pieceCount: typeof pieces === 'number' && Number.isSafeInteger(pieces) && pieces >= 0 && pieces <= 4_000_000 ? pieces : 37,
    fileCount: isList(files) ? files.length : 3,
  };
}

function plain(data: ResumeData): unknown {
  return { ...data, verified: [...data.verified], durable: [...data.durable] };
}

export const resumeTarget: FuzzTarget = {
  name: 'resume',
  dictionary: [
    ...BENCODE_TOKENS,
    ...keyTokens(['boot-id', 'durable', 'files', 'info-hash', 'parts', 'piece-count', 'pieces', 'version', 'mtime-us', 'size']),
    'i1e', 'i2e', 'i3e', 'i37e', 'de',
  ],
  run(input) {
    const expected = expectationFor(input);
    const decoded = decodeResume(input, expected);
    if (!decoded.ok) return `refused:${decoded.reason.replace(/\d+/g, 'N').slice(0, 40)}`;
    const again = decodeResume(encodeResume(decoded.data), expected);
    expectSame('decode(encode(decode(x)))', plain(decoded.data), again.ok ? plain(again.data) : again.reason);
    return `ok verified:${bucket(decoded.data.verified.count)} durable:${bucket(decoded.data.durable.count)} files:${bucket(decoded.data.files.length)} boot:${decoded.data.bootId !== undefined}`;
  },
  expectedError: () => undefined,
};
