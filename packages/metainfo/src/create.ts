// Creating a v1 .torrent from any source of bytes. The core is pure: files arrive as
// { path, length, read() } items, so the same code hashes disk files (see node.ts), memory or
// network streams. Output is deterministic: files sorted by path bytes, no creation date unless
// asked for, canonical bencode.
import { encode } from '@typetorrent/bencode';
import type { BencodeInput } from '@typetorrent/bencode';
import { MetainfoError } from './errors.js';
import { checkCollisions } from './files.js';
import { DEFAULT_MAX_PIECE_LENGTH } from './info-dict.js';
import type { Metainfo } from './metainfo.js';
import { parseTorrent } from './parse.js';
import { checkComponent } from './path-safety.js';
import { PieceHasher } from './piece-hasher.js';
import { autoPieceLength, isStandardPieceLength } from './piece-size.js';

/** One file of a folder torrent. */
export interface CreateFileSource {
  /** Components relative to the torrent folder, e.g. ['docs', 'readme.txt']. */
  readonly path: readonly string[];
  /** Exact length in bytes; read() must yield exactly this many. */
  readonly length: number;
  read(): AsyncIterable<Uint8Array>;
}

export type TorrentSource =
  | { readonly kind: 'file'; readonly name: string; readonly length: number; read(): AsyncIterable<Uint8Array> }
  | { readonly kind: 'folder'; readonly name: string; readonly files: readonly CreateFileSource[] };

export interface CreateTorrentOptions {
  /** BEP 12 tiers, tried in order; the first URL also becomes `announce`. */
  readonly trackers?: readonly (readonly string[])[];
  /** BEP 19 web seeds (`url-list`). */
  readonly webSeeds?: readonly string[];
  /** A power of two from 16 KiB to 64 MiB; chosen from the total size when absent. */
  readonly pieceLength?: number;
  /** BEP 27. */
  readonly private?: boolean;
  readonly comment?: string;
  readonly createdBy?: string;
  /** Left out unless given, so the same data always makes the same file. */
  readonly creationDate?: Date;
  readonly signal?: AbortSignal;
  /** Called as data is hashed; hashedBytes grows to totalBytes. */
  readonly onProgress?: (hashedBytes: number, totalBytes: number) => void;
}

export interface CreatedTorrent {
  /** The .torrent file's bytes. */
  readonly torrent: Uint8Array;
  /** The same bytes, parsed. */
  readonly metainfo: Metainfo;
}

export async function createTorrent(source: TorrentSource, options: CreateTorrentOptions = {}): Promise<CreatedTorrent> {
  const name = checkedName(source.name);
  const files = source.kind === 'file'
    ? [{ path: [name], length: source.length, read: () => source.read() }]
    : sortedFiles(source.files);
  const totalLength = files.reduce((sum, file) => sum + file.length, 0);
  if (!Number.isSafeInteger(totalLength)) throw new MetainfoError('BAD_SOURCE', 'files', 'total length exceeds 2^53 - 1 bytes');
  if (totalLength === 0) throw new MetainfoError('BAD_SOURCE', 'files', 'there is no data to share (every file is empty)');
  const pieceLength = options.pieceLength ?? autoPieceLength(totalLength);
  if (!isStandardPieceLength(pieceLength) || pieceLength > DEFAULT_MAX_PIECE_LENGTH) {
    throw new MetainfoError('BAD_OPTION', 'pieceLength', `must be a power of two from 16 KiB to 64 MiB, got ${pieceLength}`);
  }

  const pieces = await hashFiles(files, pieceLength, totalLength, options);
  const info: Record<string, BencodeInput> = { name, 'piece length': pieceLength, pieces };
  if (source.kind === 'file') info['length'] = totalLength;
  else info['files'] = files.map((file) => ({ length: file.length, path: [...file.path] }));
  if (options.private === true) info['private'] = 1;

  const torrent = encode(torrentDict(info, options));
  return { torrent, metainfo: parseTorrent(torrent) };
}

function checkedName(name: string): string {
  const checked = checkComponent(name);
  if (!checked.ok) throw new MetainfoError('UNSAFE_PATH', 'name', checked.reason);
  return name;
}

/** Files in path byte order (UTF-8, component by component), after the path-safety checks. */
function sortedFiles(files: readonly CreateFileSource[]): CreateFileSource[] {
  if (files.length === 0) throw new MetainfoError('BAD_SOURCE', 'files', 'the folder has no files');
  const encoder = new TextEncoder();
  const keyed = files.map((file, index) => {
    if (!Number.isSafeInteger(file.length) || file.length < 0) {
      throw new MetainfoError('BAD_SOURCE', `files[${index}].length`, `must be a non-negative safe integer, got ${file.length}`);
    }
    if (file.path.length === 0) throw new MetainfoError('UNSAFE_PATH', `files[${index}].path`, 'the path has no components');
    for (const [i, component] of file.path.entries()) {
      const checked = checkComponent(component);
      if (!checked.ok) throw new MetainfoError('UNSAFE_PATH', `files[${index}].path[${i}]`, checked.reason);
    }
    return { file, key: file.path.map((c) => encoder.encode(c)) };
  });
  keyed.sort((a, b) => comparePaths(a.key, b.key));
  const sorted = keyed.map((k) => k.file);
  checkCollisions(sorted.map((f) => ({ path: f.path, padding: false })), (i) => `files[${files.indexOf(sorted[i]!)}]`);
  return sorted;
}

function comparePaths(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = compareBytes(a[i]!, b[i]!);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

async function hashFiles(
  files: readonly CreateFileSource[], pieceLength: number, totalLength: number, options: CreateTorrentOptions,
): Promise<Uint8Array> {
  const hasher = new PieceHasher(pieceLength, totalLength);
  options.signal?.throwIfAborted();
  for (const [index, file] of files.entries()) {
    let read = 0;
    for await (const chunk of file.read()) {
      options.signal?.throwIfAborted();
      read += chunk.length;
      // A file that changes size while it is read would silently shift every later piece.
      if (read > file.length) break;
      hasher.update(chunk);
      options.onProgress?.(hasher.hashedBytes, totalLength);
    }
    if (read !== file.length) {
      throw new MetainfoError(
        'BAD_SOURCE', `files[${index}]`,
        `${file.path.join('/')} ${read > file.length ? 'grew' : 'shrank'} while it was read (expected ${file.length} bytes)`,
      );
    }
  }
  return hasher.finish();
}

function torrentDict(info: Record<string, BencodeInput>, options: CreateTorrentOptions): Record<string, BencodeInput> {
  const dict: Record<string, BencodeInput> = { info };
  const tiers = (options.trackers ?? []).map((tier) => tier.filter((url) => url !== '')).filter((tier) => tier.length > 0);
  const first = tiers[0]?.[0];
  if (first !== undefined) dict['announce'] = first;
  // BEP 12: announce-list only carries information when there is more than one tracker.
  if (tiers.flat().length > 1) dict['announce-list'] = tiers;
  const seeds = (options.webSeeds ?? []).filter((url) => url !== '');
  if (seeds.length > 0) dict['url-list'] = seeds;
  if (options.comment !== undefined) dict['comment'] = options.comment;
  if (options.createdBy !== undefined) dict['created by'] = options.createdBy;
  if (options.creationDate !== undefined) dict['creation date'] = Math.floor(options.creationDate.getTime() / 1000);
  return dict;
}
