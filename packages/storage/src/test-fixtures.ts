// Test torrents built in memory: file lengths in, a StorageTorrent and its content out. The content is
// the independent oracle: every test compares what storage wrote or read with these bytes. Not part
// of the package's API (index.ts does not export it).
import { PieceGeometry, seededRandom, shuffleInPlace } from '@typetorrent/metainfo';
import { deterministicBytes } from '@typetorrent/testkit';
import { sha1Now } from './hasher.js';
import type { StorageTorrent } from './torrent.js';

export interface FixtureFile {
  readonly length: number;
  readonly padding?: boolean;
  readonly path?: readonly string[];
}

export interface Fixture {
  readonly torrent: StorageTorrent;
  /** The torrent's concatenated data; padding ranges are zeros (BEP 47). */
  readonly content: Uint8Array;
  /** Bytes of one file. */
  fileBytes(fileIndex: number): Uint8Array;
  /** Bytes of one piece. */
  pieceBytes(piece: number): Uint8Array;
  /** The piece cut into its blocks, as peers would send them. */
  blocks(piece: number): { begin: number; data: Uint8Array }[];
}

export interface FixtureOptions {
  readonly name?: string;
  /** Default true; false makes a single-file torrent (exactly one file). */
  readonly multiFile?: boolean;
  readonly seed?: number;
}

export function makeFixture(files: readonly FixtureFile[], pieceLength: number, options: FixtureOptions = {}): Fixture {
  const name = options.name ?? 'fixture';
  const multiFile = options.multiFile ?? true;
  if (!multiFile && files.length !== 1) throw new Error('a single-file torrent has exactly one file');
  const totalLength = files.reduce((sum, file) => sum + file.length, 0);
  const content = deterministicBytes(totalLength, options.seed ?? 7);
  let offset = 0;
  const torrentFiles = files.map((file, index) => {
    const entry = {
      path: multiFile ? [...(file.path ?? [`file-${index}.bin`])] : [name],
      length: file.length,
      offset,
      padding: file.padding === true,
    };
    if (entry.padding) content.fill(0, offset, offset + file.length);
    offset += file.length;
    return entry;
  });
  const geometry = new PieceGeometry(pieceLength, totalLength, torrentFiles);
  const pieceBytes = (piece: number): Uint8Array => {
    const start = geometry.pieceOffset(piece);
    return content.subarray(start, start + geometry.pieceSize(piece));
  };
  const hashes = Array.from({ length: geometry.pieceCount }, (_, piece) => sha1Now(pieceBytes(piece)));
  const infoHash = sha1Now(new TextEncoder().encode(`${name}:${pieceLength}:${files.map((f) => f.length).join(',')}`));
  const torrent: StorageTorrent = {
    infoHash,
    infoHashHex: Buffer.from(infoHash).toString('hex'),
    name,
    isMultiFile: multiFile,
    files: torrentFiles,
    geometry,
    pieceHash: (piece) => {
      const hash = hashes[piece];
      if (hash === undefined) throw new RangeError(`no piece ${piece}`);
      return hash.slice();
    },
  };
  return {
    torrent,
    content,
    fileBytes: (fileIndex) => {
      const file = torrentFiles[fileIndex];
      if (file === undefined) throw new RangeError(`no file ${fileIndex}`);
      return content.subarray(file.offset, file.offset + file.length);
    },
    pieceBytes,
    blocks: (piece) =>
      Array.from({ length: geometry.blockCount(piece) }, (_, block) => {
        const begin = block * 16384;
        return { begin, data: pieceBytes(piece).slice(begin, begin + geometry.blockSize(piece, block)) };
      }),
  };
}

/** The odd layout from the issue: 1, 0, 16383, 16385 and 100000 bytes in folders, 32 KiB pieces. */
export function oddLayout(seed = 7): Fixture {
  return makeFixture(
    [
      { length: 1, path: ['a.bin'] },
      { length: 0, path: ['empty', 'zero.bin'] },
      { length: 16383, path: ['deep', 'er', 'b.bin'] },
      { length: 16385, path: ['deep', 'c.bin'] },
      { length: 100000, path: ['d.bin'] },
    ],
    32768,
    { name: 'odd', seed },
  );
}

/** A seeded shuffle, so "random order" tests are repeatable. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  return shuffleInPlace([...items], seededRandom(seed));
}

/**
 * -1 when two byte ranges are equal, else the first index where they differ (the shorter length when
 * one is a prefix of the other). Jest's toEqual walks typed arrays element by element and takes about
 * a second per 64 KiB; this keeps byte comparisons cheap and still says where they differ.
 */
export function differsAt(actual: Uint8Array, expected: Uint8Array): number {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)) return -1;
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) if (actual[i] !== expected[i]) return i;
  return length;
}
