// @typetorrent/metainfo parseTorrent. No encoder of a parsed torrent exists, so the consistency check
// is that the info dict alone (parseInfoDict over infoBytes) describes the same data.
import { MetainfoError, parseInfoDict, parseTorrent } from '@typetorrent/metainfo';
import { bucket, errorLabel, expectSame, type FuzzTarget } from '../target.js';
import { BENCODE_TOKENS, keyTokens } from './bencode-tokens.js';

const KEYS = [
  'announce', 'announce-list', 'url-list', 'comment', 'created by', 'creation date', 'info', 'name', 'name.utf-8',
  'piece length', 'pieces', 'length', 'files', 'path', 'path.utf-8', 'attr', 'private', 'meta version', 'file tree',
  'p', '..', '.', 'CON', 'a/b', '\\', 'C:', 'http://t.example/a', 'udp://t.example:80',
];

export const torrentTarget: FuzzTarget = {
  name: 'torrent',
  dictionary: [...BENCODE_TOKENS, ...keyTokens(KEYS)],
  maxInputLength: 8192,
  run(input) {
    const meta = parseTorrent(input);
    const again = parseInfoDict(meta.infoBytes);
    expectSame('parseInfoDict(infoBytes)', [meta.infoHashHex, meta.name, meta.files, meta.pieceCount, meta.private],
      [again.infoHashHex, again.name, again.files, again.pieceCount, again.private]);
    const warnings = [...new Set(meta.warnings.map((w) => w.code))].sort().join(',');
    return `${meta.version} multi:${meta.isMultiFile} files:${bucket(meta.files.length)} tiers:${bucket(meta.announce.length)} web:${bucket(meta.urlList.length)} w:${warnings}`;
  },
  expectedError(error) {
    return error instanceof MetainfoError ? errorLabel(error.code, error.field) : undefined;
  },
};
