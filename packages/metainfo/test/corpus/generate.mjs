// Writes the malformed-torrent corpus: one .torrent per case plus manifest.json with the error code and
// field each must produce. Run `node test/corpus/generate.mjs` from packages/metainfo after changing a
// case; corpus.test.ts checks the files, so the generator and the committed files cannot drift apart
// unnoticed (it also fails on a file missing from the manifest).
// Plain JS with its own tiny bencoder so it runs without a build.
import { writeFileSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Minimal bencode for fixtures: strings as latin1, keys in insertion order (cases choose the order). */
function be(value) {
  if (typeof value === 'number' || typeof value === 'bigint') return `i${value}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value, 'latin1')}:${value}`;
  if (Array.isArray(value)) return `l${value.map(be).join('')}e`;
  return `d${Object.entries(value).map(([k, v]) => be(k) + be(v)).join('')}e`;
}

const hashes = (n) => 'h'.repeat(20 * n);
/** A good single-file info dict: 3 pieces of 16 KiB for 40000 bytes. */
const single = () => ({ length: 40000, name: 'file.bin', 'piece length': 16384, pieces: hashes(3) });
/** A good multi-file info dict: 2 pieces for 20000 bytes. */
const multi = (files = [{ length: 10000, path: ['a.txt'] }, { length: 10000, path: ['b.txt'] }]) =>
  ({ files, name: 'folder', 'piece length': 16384, pieces: hashes(2) });
const torrent = (info) => be({ announce: 'http://tracker.example/announce', info });
const withFile = (path) => torrent(multi([{ length: 10000, path: ['ok'] }, { length: 10000, path }]));
const omit = (object, key) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

const cases = [
  ['not-bencode', 'hello, world', 'NOT_BENCODE', ''],
  ['truncated', torrent(single()).slice(0, -10), 'NOT_BENCODE', ''],
  ['duplicate-key', 'd4:infod6:lengthi1e6:lengthi2eee', 'NOT_BENCODE', ''],
  ['too-deep', 'l'.repeat(500) + 'e'.repeat(500), 'NOT_BENCODE', ''],
  ['root-is-list', be([1, 2]), 'WRONG_TYPE', ''],
  ['no-info', be({ announce: 'http://t/a' }), 'MISSING_FIELD', 'info'],
  ['info-is-string', be({ info: 'nope' }), 'WRONG_TYPE', 'info'],
  ['no-name', torrent(omit(single(), 'name')), 'MISSING_FIELD', 'info.name'],
  ['name-is-integer', torrent({ ...single(), name: 7 }), 'WRONG_TYPE', 'info.name'],
  ['name-dotdot', torrent({ ...single(), name: '..' }), 'UNSAFE_PATH', 'info.name'],
  ['name-with-slash', torrent({ ...single(), name: '../../etc/passwd' }), 'UNSAFE_PATH', 'info.name'],
  ['name-empty', torrent({ ...single(), name: '' }), 'UNSAFE_PATH', 'info.name'],
  ['no-piece-length', torrent(omit(single(), 'piece length')), 'MISSING_FIELD', 'info.piece length'],
  ['piece-length-zero', torrent({ ...single(), 'piece length': 0 }), 'BAD_PIECE_LENGTH', 'info.piece length'],
  ['piece-length-negative', torrent({ ...single(), 'piece length': -16384 }), 'BAD_PIECE_LENGTH', 'info.piece length'],
  ['piece-length-huge', torrent({ ...single(), 'piece length': 2 ** 40 }), 'BAD_PIECE_LENGTH', 'info.piece length'],
  ['piece-length-bigint', torrent({ ...single(), 'piece length': 2n ** 70n }), 'BAD_PIECE_LENGTH', 'info.piece length'],
  ['piece-length-string', torrent({ ...single(), 'piece length': '16384' }), 'WRONG_TYPE', 'info.piece length'],
  ['no-pieces', torrent(omit(single(), 'pieces')), 'MISSING_FIELD', 'info.pieces'],
  ['pieces-not-multiple-of-20', torrent({ ...single(), pieces: hashes(3).slice(1) }), 'BAD_PIECES_LENGTH', 'info.pieces'],
  ['pieces-too-few', torrent({ ...single(), pieces: hashes(2) }), 'PIECE_COUNT_MISMATCH', 'info.pieces'],
  ['pieces-too-many', torrent({ ...single(), pieces: hashes(4) }), 'PIECE_COUNT_MISMATCH', 'info.pieces'],
  ['pieces-is-list', torrent({ ...single(), pieces: [hashes(3)] }), 'WRONG_TYPE', 'info.pieces'],
  ['length-and-files', torrent({ ...multi(), length: 20000 }), 'CONFLICTING_FIELDS', 'info.files'],
  ['neither-length-nor-files', torrent(omit(single(), 'length')), 'MISSING_FIELD', 'info.length'],
  ['length-negative', torrent({ ...single(), length: -1 }), 'BAD_LENGTH', 'info.length'],
  ['length-zero', torrent({ ...single(), length: 0, pieces: '' }), 'EMPTY_TORRENT', 'info.length'],
  ['length-beyond-safe-integer', torrent({ ...single(), length: 2n ** 60n }), 'BAD_LENGTH', 'info.length'],
  ['files-empty', torrent(multi([])), 'EMPTY_TORRENT', 'info.files'],
  ['files-all-empty', torrent({ ...multi([{ length: 0, path: ['a'] }]), pieces: '' }), 'EMPTY_TORRENT', 'info.files'],
  ['files-is-dict', torrent({ ...multi(), files: { a: 1 } }), 'WRONG_TYPE', 'info.files'],
  ['file-entry-is-string', torrent(multi([{ length: 10000, path: ['a'] }, 'b'])), 'WRONG_TYPE', 'info.files[1]'],
  ['file-without-length', torrent(multi([{ path: ['a'] }])), 'MISSING_FIELD', 'info.files[0].length'],
  ['file-negative-length', torrent(multi([{ length: 30000, path: ['a'] }, { length: -10000, path: ['b'] }])), 'BAD_LENGTH', 'info.files[1].length'],
  ['total-beyond-safe-integer', torrent(multi([{ length: 2 ** 52, path: ['a'] }, { length: 2 ** 52, path: ['b'] }])), 'TOTAL_TOO_LARGE', 'info.files[1].length'],
  ['file-without-path', torrent(multi([{ length: 20000 }])), 'MISSING_FIELD', 'info.files[0].path'],
  ['file-path-is-string', torrent(multi([{ length: 20000, path: 'a/b' }])), 'WRONG_TYPE', 'info.files[0].path'],
  ['file-path-empty-list', torrent(multi([{ length: 20000, path: [] }])), 'UNSAFE_PATH', 'info.files[0].path'],
  ['path-component-integer', withFile(['dir', 5]), 'WRONG_TYPE', 'info.files[1].path[1]'],
  ['path-dotdot', withFile(['..', '..', 'etc', 'passwd']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-dotdot-deep', withFile(['a', 'b', '..']), 'UNSAFE_PATH', 'info.files[1].path[2]'],
  ['path-dot', withFile(['.', 'x']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-empty-component', withFile(['a', '', 'b']), 'UNSAFE_PATH', 'info.files[1].path[1]'],
  ['path-absolute', withFile(['/etc/passwd']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-slash-inside', withFile(['a/../../b']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-backslash', withFile(['..\\..\\windows']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-nul', withFile(['a\0.txt']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-drive-letter', withFile(['C:', 'Windows']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-drive-relative', withFile(['d:evil.exe']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['path-dots-and-spaces', withFile(['.. ', 'x']), 'UNSAFE_PATH', 'info.files[1].path[0]'],
  ['duplicate-path', withFile(['ok']), 'DUPLICATE_PATH', 'info.files[1].path'],
  ['duplicate-path-case', withFile(['OK']), 'DUPLICATE_PATH', 'info.files[1].path'],
  ['duplicate-after-rename', torrent(multi([{ length: 10000, path: ['x.'] }, { length: 10000, path: ['x_'] }])), 'DUPLICATE_PATH', 'info.files[1].path'],
  ['file-used-as-folder', torrent(multi([{ length: 10000, path: ['a', 'b'] }, { length: 10000, path: ['a', 'b', 'c'] }])), 'PATH_CONFLICT', 'info.files[1].path'],
  ['folder-used-as-file', torrent(multi([{ length: 10000, path: ['a', 'b', 'c'] }, { length: 10000, path: ['A', 'b'] }])), 'PATH_CONFLICT', 'info.files[1].path'],
  ['too-many-files', torrent(multi(Array.from({ length: 5 }, (_, i) => ({ length: 4000, path: [`f${i}`] })))), 'TOO_MANY_FILES', 'info.files', { maxFiles: 4 }],
  ['private-is-string', torrent({ ...single(), private: '1' }), 'WRONG_TYPE', 'info.private'],
  ['attr-is-integer', torrent(multi([{ attr: 1, length: 20000, path: ['a'] }])), 'WRONG_TYPE', 'info.files[0].attr'],
  ['v2-only', torrent({ 'file tree': { 'a.txt': { '': { length: 5, 'pieces root': hashes(1) } } }, 'meta version': 2, name: 'v2', 'piece length': 16384 }), 'V2_NOT_SUPPORTED', 'info.meta version'],
  ['meta-version-3', torrent({ ...single(), 'meta version': 3 }), 'BAD_META_VERSION', 'info.meta version'],
];

for (const file of readdirSync(here)) if (file.endsWith('.torrent')) unlinkSync(join(here, file));
const manifest = {};
for (const [name, text, code, field, options] of cases) {
  const file = `${name}.torrent`;
  writeFileSync(join(here, file), Buffer.from(text, 'latin1'));
  manifest[file] = options === undefined ? { code, field } : { code, field, options };
}
writeFileSync(join(here, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${cases.length} torrents and manifest.json`);
