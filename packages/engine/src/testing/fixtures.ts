// Test helpers (not exported by the package): torrents over deterministic data written to a temp
// folder, and byte-for-byte comparison of a downloaded copy.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTorrent, type Metainfo } from '@typetorrent/metainfo';
import { deterministicBytes, makeTempDir } from '@typetorrent/testkit';

export interface FixtureFile {
  readonly path: readonly string[];
  readonly length: number;
}

export interface Fixture {
  /** Folder holding the torrent's data (the seeder's save path). */
  readonly dir: string;
  readonly metainfo: Metainfo;
  readonly torrent: Uint8Array;
  /** Each file's bytes, by joined path. */
  readonly data: ReadonlyMap<string, Uint8Array>;
}

/**
 * Odd sizes, a zero-length file and pieces spanning files: the multi-file layout the interop tests
 * use too (a little over 1.5 MiB).
 */
export const MIXED_FILES: readonly FixtureFile[] = [
  { path: ['a.bin'], length: 100_003 },
  { path: ['empty.txt'], length: 0 },
  { path: ['sub', 'b.bin'], length: 777_777 },
  { path: ['sub', 'c.bin'], length: 1 },
  { path: ['z.bin'], length: 700_001 },
];

export interface FixtureOptions {
  readonly name?: string;
  readonly files?: readonly FixtureFile[];
  readonly pieceLength?: number;
  readonly seed?: number;
  readonly trackers?: readonly (readonly string[])[];
  /** Where to write the data; default a new temp folder. */
  readonly dir?: string;
}

export async function makeFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const name = options.name ?? 'mixed';
  const files = options.files ?? MIXED_FILES;
  const dir = options.dir ?? (await makeTempDir('typetorrent-engine-'));
  const data = new Map<string, Uint8Array>();
  let seed = options.seed ?? 1;
  for (const file of files) {
    const bytes = deterministicBytes(file.length, seed++);
    data.set(file.path.join('/'), bytes);
    const target = path.join(dir, name, ...file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, bytes);
  }
  const created = await createTorrent(
    {
      kind: 'folder',
      name,
      files: files.map((file) => ({
        path: file.path,
        length: file.length,
        read: async function* () {
          yield data.get(file.path.join('/')) ?? new Uint8Array(0);
        },
      })),
    },
    { pieceLength: options.pieceLength ?? 32 * 1024, ...(options.trackers === undefined ? {} : { trackers: options.trackers }) },
  );
  return { dir, metainfo: created.metainfo, torrent: created.torrent, data };
}

/** The files of `fixture` as found under `savePath`, compared with the originals; lists the differences. */
export async function differences(fixture: Fixture, savePath: string): Promise<string[]> {
  const out: string[] = [];
  for (const [joined, expected] of fixture.data) {
    const file = path.join(savePath, fixture.metainfo.name, ...joined.split('/'));
    let actual: Uint8Array;
    try {
      actual = await fs.readFile(file);
    } catch {
      out.push(`${joined}: missing`);
      continue;
    }
    if (Buffer.compare(Buffer.from(actual), Buffer.from(expected)) !== 0) out.push(`${joined}: content differs (${actual.length} vs ${expected.length} bytes)`);
  }
  return out;
}

/**
 * Writes a copy of `fixture` into `savePath` holding only the pieces `keep` accepts: the bytes of
 * every other piece are zeros, so a check finds exactly the kept pieces (and the pieces that happen
 * to share nothing but zeros, which deterministic data never has).
 */
export async function writePartialCopy(fixture: Fixture, savePath: string, keep: (piece: number) => boolean): Promise<void> {
  const pieceLength = fixture.metainfo.geometry.pieceLength;
  for (const file of fixture.metainfo.files) {
    const original = fixture.data.get(file.path.join('/')) ?? new Uint8Array(0);
    const copy = new Uint8Array(original.length);
    for (let at = 0; at < copy.length; ) {
      const piece = Math.floor((file.offset + at) / pieceLength);
      const end = Math.min(copy.length, (piece + 1) * pieceLength - file.offset);
      if (keep(piece)) copy.set(original.subarray(at, end), at);
      at = end;
    }
    const target = path.join(savePath, fixture.metainfo.name, ...file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, copy);
  }
}
