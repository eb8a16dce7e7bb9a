import { describe, expect, test } from '@jest/globals';
import { encode } from '@typetorrent/bencode';
import { fakePieces, latin1, multiInfo, sha1, sha256, singleInfo, thrown, torrentBytes } from '../test/fixtures.js';
import { MetainfoError } from './errors.js';
import { toHex } from './hex.js';
import { parseInfoDict, parseTorrent } from './parse.js';

function parseError(bytes: Uint8Array): MetainfoError {
  const error = thrown(() => parseTorrent(bytes));
  if (error instanceof MetainfoError) return error;
  throw new Error(`expected a MetainfoError, got ${String(error)}`);
}

describe('parseTorrent: single-file v1', () => {
  const info = singleInfo();
  const bytes = torrentBytes(info, { comment: 'hello', 'created by': 'tests 1.0', 'creation date': 1700000000 });
  const meta = parseTorrent(bytes);

  test('reads the info dict', () => {
    expect(meta.name).toBe('file.bin');
    expect(meta.pieceLength).toBe(16384);
    expect(meta.pieceCount).toBe(3);
    expect(meta.pieces).toEqual(fakePieces(3));
    expect(meta.totalLength).toBe(40000);
    expect(meta.isMultiFile).toBe(false);
    expect(meta.files).toEqual([{ path: ['file.bin'], length: 40000, offset: 0, padding: false }]);
    expect(meta.private).toBe(false);
    expect(meta.version).toBe('v1');
    expect(meta.geometry.lastPieceLength).toBe(40000 - 2 * 16384);
  });

  test('hashes the info dict bytes', () => {
    expect(meta.infoBytes).toEqual(encode(info));
    expect(meta.infoHash).toEqual(sha1(encode(info)));
    expect(meta.infoHashHex).toBe(toHex(sha1(encode(info))));
    expect(meta.infoHashV2).toBeUndefined();
  });

  test('reads the descriptive fields', () => {
    expect(meta.comment).toBe('hello');
    expect(meta.createdBy).toBe('tests 1.0');
    expect(meta.creationDate?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(meta.announce).toEqual([['http://tracker.example/announce']]);
    expect(meta.urlList).toEqual([]);
    expect(meta.warnings).toEqual([]);
  });

  test('pieceHash returns a copy of one 20-byte hash and checks the index', () => {
    const hash = meta.pieceHash(1);
    expect(hash).toEqual(fakePieces(3).subarray(20, 40));
    hash.fill(0);
    expect(meta.pieceHash(1)).toEqual(fakePieces(3).subarray(20, 40));
    expect(() => meta.pieceHash(3)).toThrow(RangeError);
  });

  test('leaves absent optional fields absent', () => {
    const plain = parseTorrent(torrentBytes(info));
    expect('comment' in plain).toBe(false);
    expect('creationDate' in plain).toBe(false);
  });
});

describe('parseTorrent: multi-file v1', () => {
  const files = [
    { length: 5000, path: ['docs', 'a.txt'] },
    { length: 0, path: ['empty'] },
    { length: 30000, path: ['docs', 'b.bin'] },
    { length: 1, path: ['c'] },
  ];
  const meta = parseTorrent(torrentBytes(multiInfo(files)));

  test('paths are relative to the torrent folder, with offsets in the concatenated data', () => {
    expect(meta.isMultiFile).toBe(true);
    expect(meta.name).toBe('folder');
    expect(meta.files).toEqual([
      { path: ['docs', 'a.txt'], length: 5000, offset: 0, padding: false },
      { path: ['empty'], length: 0, offset: 5000, padding: false },
      { path: ['docs', 'b.bin'], length: 30000, offset: 5000, padding: false },
      { path: ['c'], length: 1, offset: 35000, padding: false },
    ]);
    expect(meta.totalLength).toBe(35001);
    expect(meta.pieceCount).toBe(3);
  });

  test('the geometry knows the same files', () => {
    expect(meta.geometry.fileSlices(0).map((s) => s.fileIndex)).toEqual([0, 2]);
    expect(meta.geometry.piecesOfFile(1)).toBeUndefined();
    expect(meta.geometry.piecesOfFile(3)).toEqual({ first: 2, last: 2 });
  });

  test('BEP 47 pad files are marked, and may repeat the same path', () => {
    const padded = parseTorrent(torrentBytes(multiInfo([
      { length: 100, path: ['a'] },
      { length: 16284, path: ['.pad', '16284'], attr: 'p' },
      { length: 100, path: ['b'] },
      { length: 16284, path: ['.pad', '16284'], attr: 'p' },
      { length: 5, path: ['c'], attr: 'x' },
    ])));
    expect(padded.files.map((f) => f.padding)).toEqual([false, true, false, true, false]);
  });
});

describe('parseTorrent: the info-hash is over the bytes as written', () => {
  test('a file with unsorted keys hashes its own bytes, not a re-encoding', () => {
    // 'piece length' sorts before 'pieces', and 'name' before both; here they are reversed.
    const infoText = `d6:lengthi40000e6:pieces60:${'p'.repeat(60)}12:piece lengthi16384e4:name8:file.bine`;
    const bytes = latin1(`d8:announce9:http://t/4:info${infoText}e`);
    const meta = parseTorrent(bytes);
    expect(meta.infoBytes).toEqual(latin1(infoText));
    expect(meta.infoHash).toEqual(sha1(latin1(infoText)));
    const reencoded = encode({ length: 40000, name: 'file.bin', 'piece length': 16384, pieces: latin1('p'.repeat(60)) });
    expect(meta.infoHash).not.toEqual(sha1(reencoded));
  });

  test('bytes after the torrent are ignored with a warning', () => {
    const bytes = new Uint8Array([...torrentBytes(singleInfo()), 0x0a]);
    const meta = parseTorrent(bytes);
    expect(meta.infoHash).toEqual(sha1(encode(singleInfo())));
    expect(meta.warnings.map((w) => w.code)).toEqual(['TRAILING_DATA']);
  });
});

describe('parseTorrent: trackers and web seeds', () => {
  test('announce-list tiers replace announce, deduplicated, empty tiers dropped (BEP 12)', () => {
    const meta = parseTorrent(torrentBytes(singleInfo(), {
      announce: 'http://lone/announce',
      'announce-list': [['http://a/1', 'udp://b:80'], [], ['http://a/1', 'http://c/3', ''], ['udp://b:80']],
    }));
    expect(meta.announce).toEqual([['http://a/1', 'udp://b:80'], ['http://c/3']]);
  });

  test('a lone announce is one tier, and no trackers at all is fine', () => {
    expect(parseTorrent(torrentBytes(singleInfo(), { announce: 'udp://t:1' })).announce).toEqual([['udp://t:1']]);
    expect(parseTorrent(encode({ info: singleInfo() })).announce).toEqual([]);
  });

  test('a malformed announce-list is ignored with a warning, falling back to announce', () => {
    const meta = parseTorrent(torrentBytes(singleInfo(), { announce: 'http://x/', 'announce-list': 'http://y/' }));
    expect(meta.announce).toEqual([['http://x/']]);
    expect(meta.warnings).toEqual([expect.objectContaining({ code: 'IGNORED_FIELD', field: 'announce-list' })]);
  });

  test('url-list as one string or a list of strings (BEP 19)', () => {
    expect(parseTorrent(torrentBytes(singleInfo(), { 'url-list': 'http://seed/' })).urlList).toEqual(['http://seed/']);
    expect(parseTorrent(torrentBytes(singleInfo(), { 'url-list': ['http://a/', 'http://b/', 'http://a/', ''] })).urlList)
      .toEqual(['http://a/', 'http://b/']);
  });

  test('wrong-typed descriptive fields are dropped with warnings, not errors', () => {
    const meta = parseTorrent(torrentBytes(singleInfo(), { comment: 5, 'created by': ['x'], 'creation date': 'yesterday' }));
    expect(meta.comment).toBeUndefined();
    expect(meta.createdBy).toBeUndefined();
    expect(meta.creationDate).toBeUndefined();
    expect(meta.warnings.map((w) => w.field)).toEqual(['creation date', 'comment', 'created by']);
  });
});

describe('parseTorrent: names and text', () => {
  test('prefers a valid name.utf-8 and path.utf-8', () => {
    const meta = parseTorrent(torrentBytes(multiInfo(
      [{ length: 10, path: ['legacy'], 'path.utf-8': ['caf\u00e9.txt'] }],
      { name: latin1('caf\xe9'), 'name.utf-8': 'caf\u00e9' },
    )));
    expect(meta.name).toBe('caf\u00e9');
    expect(meta.files[0]?.path).toEqual(['caf\u00e9.txt']);
    expect(meta.warnings).toEqual([]);
  });

  test('invalid UTF-8 becomes U+FFFD with a warning naming the field', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([{ length: 10, path: [latin1('bad\xff')] }], { name: latin1('n\xe9') })));
    expect(meta.name).toBe('n\ufffd');
    expect(meta.files[0]?.path).toEqual(['bad\ufffd']);
    expect(meta.warnings.map((w) => [w.code, w.field])).toEqual([
      ['INVALID_UTF8', 'info.name'],
      ['INVALID_UTF8', 'info.files[0].path[0]'],
    ]);
  });

  test('Windows device names are renamed with a warning, the same on every platform', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([{ length: 10, path: ['src', 'aux.c'] }, { length: 10, path: ['notes.'] }])));
    expect(meta.files.map((f) => f.path)).toEqual([['src', 'aux_.c'], ['notes_']]);
    expect(meta.warnings.map((w) => [w.code, w.field])).toEqual([
      ['RENAMED_PATH', 'info.files[0].path[1]'],
      ['RENAMED_PATH', 'info.files[1].path[0]'],
    ]);
  });

  test('the single-file path follows the (renamed) name', () => {
    const meta = parseTorrent(torrentBytes(singleInfo({ name: 'CON' })));
    expect(meta.name).toBe('CON_');
    expect(meta.files[0]?.path).toEqual(['CON_']);
  });
});

describe('parseTorrent: flags and versions', () => {
  test('private=1 is private (BEP 27); other integers are not', () => {
    expect(parseTorrent(torrentBytes(singleInfo({ private: 1 }))).private).toBe(true);
    expect(parseTorrent(torrentBytes(singleInfo({ private: 0 }))).private).toBe(false);
  });

  test('a hybrid torrent parses its v1 part and has both info-hashes (BEP 52)', () => {
    const info = singleInfo({ 'meta version': 2, 'file tree': { 'file.bin': { '': { length: 40000, 'pieces root': fakePieces(1).subarray(0, 32) } } } });
    const meta = parseTorrent(torrentBytes(info, { 'piece layers': {} }));
    expect(meta.version).toBe('hybrid');
    expect(meta.infoHash).toEqual(sha1(encode(info)));
    expect(meta.infoHashV2).toEqual(sha256(encode(info)));
    expect(meta.files).toHaveLength(1);
  });

  test('a pure v2 torrent is refused with a clear message', () => {
    const error = parseError(torrentBytes({ name: 'v2', 'piece length': 16384, 'meta version': 2, 'file tree': {} }));
    expect(error.code).toBe('V2_NOT_SUPPORTED');
    expect(error.message).toMatch(/v2-only/);
  });

  test('the maxPieceLength and maxFiles limits are options', () => {
    const big = torrentBytes(singleInfo({ 'piece length': 65536, pieces: fakePieces(1) }));
    expect(parseTorrent(big).pieceLength).toBe(65536);
    expect(thrown(() => parseTorrent(big, { maxPieceLength: 32768 }))).toMatchObject({ code: 'BAD_PIECE_LENGTH' });
  });
});

describe('parseInfoDict (BEP 9 metadata)', () => {
  test('gives the same result as the whole torrent, with trackers from the caller', () => {
    const info = encode(multiInfo([{ length: 20000, path: ['a'] }]));
    const meta = parseInfoDict(info, { announce: [['udp://t:1']], urlList: ['http://w/'] });
    expect(meta.infoHash).toEqual(sha1(info));
    expect(meta.announce).toEqual([['udp://t:1']]);
    expect(meta.urlList).toEqual(['http://w/']);
    expect(meta.files).toEqual(parseTorrent(torrentBytes(multiInfo([{ length: 20000, path: ['a'] }]))).files);
  });

  test('applies the same checks', () => {
    expect(thrown(() => parseInfoDict(encode(singleInfo({ name: '..' }))))).toMatchObject({ code: 'UNSAFE_PATH', field: 'info.name' });
    expect(thrown(() => parseInfoDict(latin1('d4:name')))).toMatchObject({ code: 'NOT_BENCODE' });
    expect(thrown(() => parseInfoDict(latin1('le')))).toMatchObject({ code: 'WRONG_TYPE', field: 'info' });
  });
});

test('the parsed result is frozen, down to paths and tracker tiers', () => {
  const meta = parseTorrent(torrentBytes(multiInfo([{ length: 20000, path: ['a', 'b'] }]), { 'announce-list': [['http://a/']] }));
  expect(Object.isFrozen(meta)).toBe(true);
  expect(Object.isFrozen(meta.files)).toBe(true);
  expect(Object.isFrozen(meta.files[0]?.path)).toBe(true);
  expect(Object.isFrozen(meta.announce[0])).toBe(true);
});

describe('a Buffer input', () => {
  // Buffer#slice is a view, not a copy: a result built with it would be a Buffer sharing the
  // caller's memory, and reusing that memory (a peer-wire metadata buffer, a pooled read) would
  // silently change the info dict bytes of an already parsed torrent.
  test('parseTorrent returns plain Uint8Array copies that do not follow later writes to the input', () => {
    const original = torrentBytes(singleInfo());
    const input = Buffer.from(original);
    const meta = parseTorrent(input);
    input.fill(0);
    expect(Buffer.isBuffer(meta.infoBytes)).toBe(false);
    expect(meta.infoBytes).toEqual(encode(singleInfo()));
    expect(sha1(meta.infoBytes)).toEqual(meta.infoHash);
  });

  test('parseInfoDict does too', () => {
    const input = Buffer.from(encode(singleInfo()));
    const meta = parseInfoDict(input);
    input.fill(0);
    expect(Buffer.isBuffer(meta.infoBytes)).toBe(false);
    expect(meta.infoBytes).toEqual(encode(singleInfo()));
  });
});

describe('the piece hashes are kept once', () => {
  // They are most of an info dict (20 bytes a piece); `pieces` is a view of the info dict's copy.
  test('parseTorrent: pieces lie inside infoBytes, and do not follow later writes to the input', () => {
    const input = Buffer.from(torrentBytes(singleInfo(), { comment: 'before the info dict' }));
    const meta = parseTorrent(input);
    input.fill(0);
    expect(meta.pieces.buffer).toBe(meta.infoBytes.buffer);
    expect(Buffer.isBuffer(meta.pieces)).toBe(false);
    expect(meta.pieces).toEqual(fakePieces(3));
    expect(meta.pieceHash(1)).toEqual(fakePieces(3).subarray(20, 40));
  });

  test('parseInfoDict: the same, for an info dict that sits inside a larger buffer', () => {
    const dict = encode(singleInfo());
    const backing = new Uint8Array(dict.length + 10);
    backing.set(dict, 7);
    const meta = parseInfoDict(backing.subarray(7, 7 + dict.length));
    backing.fill(0);
    expect(meta.pieces.buffer).toBe(meta.infoBytes.buffer);
    expect(meta.pieces).toEqual(fakePieces(3));
  });
});
