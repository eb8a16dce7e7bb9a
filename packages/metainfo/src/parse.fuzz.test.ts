// Hostile input: whatever the bytes, parseTorrent returns a consistent Metainfo or throws a
// MetainfoError, never anything else, and every path it returns passes the path-safety check.
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { encode } from '@typetorrent/bencode';
import type { BencodeInput } from '@typetorrent/bencode';
import { multiInfo, thrown, torrentBytes } from '../test/fixtures.js';
import { MetainfoError } from './errors.js';
import type { Metainfo } from './metainfo.js';
import { parseTorrent } from './parse.js';
import { checkComponent } from './path-safety.js';

const base = torrentBytes(multiInfo([
  { length: 20000, path: ['dir', 'a.bin'] },
  { length: 0, path: ['empty'] },
  { length: 13000, path: ['b'] },
]), { 'announce-list': [['http://a/'], ['udp://b:1']], 'url-list': 'http://w/' });

function checkInvariants(meta: Metainfo): void {
  let offset = 0;
  for (const file of meta.files) {
    expect(file.offset).toBe(offset);
    offset += file.length;
    for (const component of file.path) expect(checkComponent(component)).toMatchObject({ ok: true, renamed: false });
  }
  expect(offset).toBe(meta.totalLength);
  expect(meta.pieceCount).toBe(Math.ceil(meta.totalLength / meta.pieceLength));
  expect(meta.infoHash).toHaveLength(20);
}

function parseOrMetainfoError(bytes: Uint8Array): void {
  const error = thrown(() => checkInvariants(parseTorrent(bytes)));
  if (error !== undefined && !(error instanceof MetainfoError)) throw error;
}

test('byte flips, truncations and insertions never escape as other errors', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('flip', 'cut', 'insert') }), { minLength: 1, maxLength: 4 }),
      (edits) => {
        let bytes = Array.from(base);
        for (const { at, byte, kind } of edits) {
          const i = at % (bytes.length + 1);
          if (kind === 'flip') bytes[i] = byte;
          else if (kind === 'cut') bytes = bytes.slice(0, i);
          else bytes.splice(i, 0, byte);
        }
        parseOrMetainfoError(new Uint8Array(bytes));
      },
    ),
    { numRuns: 2000 },
  );
});

const anyValue: fc.Arbitrary<BencodeInput> = fc.letrec<{ value: BencodeInput }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -3, max: 70000 }),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.constantFrom('..', '.', '', 'a/b', 'C:', 'aux', 'x', '\0'),
    fc.uint8Array({ maxLength: 45 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('length', 'path', 'attr', 'x'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

test('any value in any info field gives a Metainfo or a MetainfoError', () => {
  const keys = ['name', 'piece length', 'pieces', 'length', 'files', 'private', 'meta version', 'name.utf-8'];
  fc.assert(
    fc.property(fc.constantFrom(...keys), anyValue, (key, value) => {
      const info = { ...multiInfo([{ length: 20000, path: ['a'] }, { length: 5, path: ['b', 'c'] }]), [key]: value };
      parseOrMetainfoError(encode({ info }));
    }),
    { numRuns: 1000 },
  );
});

test('any file list gives a Metainfo or a MetainfoError', () => {
  fc.assert(
    fc.property(fc.array(anyValue, { maxLength: 5 }), (files) => {
      parseOrMetainfoError(encode({ info: { files, name: 'n', 'piece length': 16384, pieces: new Uint8Array(20) } }));
    }),
    { numRuns: 1000 },
  );
});
