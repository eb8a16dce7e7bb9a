// @typetorrent/metainfo/node: the file-system helpers around the pure core (reading a .torrent,
// creating one from a file or folder on disk).
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTorrent } from './create.js';
import type { CreatedTorrent, CreateTorrentOptions } from './create.js';
import { MetainfoError } from './errors.js';
import type { Metainfo } from './metainfo.js';
import { parseTorrent } from './parse.js';
import type { ParseOptions } from './parse.js';
import { readFileChunks } from './node/read-stream.js';
import { walkFolder } from './node/walk.js';
import type { SkippedEntry } from './node/walk.js';

export type { SkippedEntry } from './node/walk.js';

/** Largest .torrent file readTorrentFile accepts by default (the bencode decoder's own limit). */
export const DEFAULT_MAX_TORRENT_FILE_SIZE = 64 * 1024 * 1024;

export interface ReadTorrentOptions extends ParseOptions {
  readonly signal?: AbortSignal;
  /** Default 64 MiB. */
  readonly maxSize?: number;
}

/** Reads and parses a .torrent file. Throws MetainfoError for bad contents, fs errors as they are. */
export async function readTorrentFile(file: string, options: ReadTorrentOptions = {}): Promise<Metainfo> {
  const maxSize = options.maxSize ?? DEFAULT_MAX_TORRENT_FILE_SIZE;
  const stat = await fs.stat(file);
  if (stat.size > maxSize) {
    throw new MetainfoError('TOO_LARGE', '', `${stat.size} bytes is larger than the ${maxSize}-byte limit for a .torrent file`);
  }
  const buffer = await fs.readFile(file, options.signal === undefined ? {} : { signal: options.signal });
  return parseTorrent(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), options);
}

export interface CreateFromPathOptions extends CreateTorrentOptions {
  /** Torrent name; defaults to the file or folder's own name. */
  readonly name?: string;
}

export interface CreatedFromPath extends CreatedTorrent {
  /** Entries of the folder left out (symlinks leaving it, special files). */
  readonly skipped: readonly SkippedEntry[];
}

/**
 * Creates a torrent of a file or folder. Data is streamed through the hasher, so memory stays small
 * however large the folder. Symlinks are followed only when they point inside the folder.
 */
export async function createTorrentFromPath(target: string, options: CreateFromPathOptions = {}): Promise<CreatedFromPath> {
  const stat = await fs.stat(target);
  const name = options.name ?? path.basename(path.resolve(target));
  const { signal } = options;
  if (stat.isFile()) {
    const created = await createTorrent(
      { kind: 'file', name, length: stat.size, read: () => readFileChunks(target, signal) },
      options,
    );
    return { ...created, skipped: [] };
  }
  if (!stat.isDirectory()) throw new MetainfoError('BAD_SOURCE', 'path', `${target} is neither a file nor a folder`);
  const walked = await walkFolder(target, signal);
  const files = walked.files.map((file) => ({
    path: file.path,
    length: file.length,
    read: () => readFileChunks(file.absolutePath, signal),
  }));
  const created = await createTorrent({ kind: 'folder', name, files }, options);
  return { ...created, skipped: walked.skipped };
}
