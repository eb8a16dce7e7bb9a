// The file layout of an info dict (BEP 3): one file (`length`) or a list (`files`), with BEP 47 pad
// files, every name checked by the path-safety policy in path-safety.ts.
import { isBytes, isDict, isList } from '@typetorrent/bencode';
import type { BencodeDict, BencodeValue } from '@typetorrent/bencode';
import { MetainfoError } from './errors.js';
import type { MetainfoWarning } from './errors.js';
import { optionalBytes, requireLength, requireList, typeName } from './fields.js';
import { checkComponent, foldComponent } from './path-safety.js';
import { lossyText, strictText } from './text.js';

export interface TorrentFile {
  /** Safe path components: relative, never empty, checked (and possibly renamed) per the README. */
  readonly path: readonly string[];
  readonly length: number;
  /** Byte offset of the file within the torrent's concatenated data. */
  readonly offset: number;
  /** BEP 47 pad file (attr 'p'): zeros that align the next file; never needs writing to disk. */
  readonly padding: boolean;
}

export interface FileLayout {
  readonly files: TorrentFile[];
  readonly isMultiFile: boolean;
  readonly totalLength: number;
}

/** Applies the path-safety policy to one component, throwing UNSAFE_PATH or recording a rename. */
export function safeComponent(raw: string, field: string, warnings: MetainfoWarning[]): string {
  const checked = checkComponent(raw);
  if (!checked.ok) throw new MetainfoError('UNSAFE_PATH', field, checked.reason);
  if (checked.renamed) {
    warnings.push({
      code: 'RENAMED_PATH',
      field,
      message: `${JSON.stringify(raw)} saved as ${JSON.stringify(checked.component)} (reserved on Windows)`,
    });
  }
  return checked.component;
}

export function readLayout(
  info: BencodeDict, name: string, maxFiles: number, warnings: MetainfoWarning[],
): FileLayout {
  const hasLength = info.has('length');
  const hasFiles = info.has('files');
  if (hasLength && hasFiles) {
    throw new MetainfoError('CONFLICTING_FIELDS', 'info.files', "both 'length' and 'files' are present (BEP 3: one or the other)");
  }
  if (!hasLength && !hasFiles) {
    throw new MetainfoError('MISSING_FIELD', 'info.length', "neither 'length' (one file) nor 'files' (a folder) is present");
  }
  if (hasLength) {
    const length = requireLength(info, 'length', 'info.length');
    if (length === 0) throw new MetainfoError('EMPTY_TORRENT', 'info.length', 'the torrent holds no data');
    return { files: [{ path: [name], length, offset: 0, padding: false }], isMultiFile: false, totalLength: length };
  }

  const list = requireList(info, 'files', 'info.files');
  // Checked before looking at any entry, so a hostile list costs nothing more than its decoding.
  if (list.length > maxFiles) {
    throw new MetainfoError('TOO_MANY_FILES', 'info.files', `${list.length} files exceeds the limit of ${maxFiles}`);
  }
  if (list.length === 0) throw new MetainfoError('EMPTY_TORRENT', 'info.files', 'the file list is empty');

  const files: TorrentFile[] = [];
  let offset = 0;
  for (const [index, entry] of list.entries()) {
    const field = `info.files[${index}]`;
    if (!isDict(entry)) throw new MetainfoError('WRONG_TYPE', field, `expected a dictionary, got ${typeName(entry)}`);
    const length = requireLength(entry, 'length', `${field}.length`);
    const path = readPath(entry, field, warnings);
    const attr = optionalBytes(entry, 'attr', `${field}.attr`);
    // BEP 47: 'p' in attr marks a pad file; other attribute letters are ignored.
    const padding = attr !== undefined && attr.includes(0x70);
    files.push({ path, length, offset, padding });
    offset += length;
    if (!Number.isSafeInteger(offset)) {
      throw new MetainfoError('TOTAL_TOO_LARGE', `${field}.length`, 'file lengths add up to more than 2^53 - 1 bytes');
    }
  }
  if (offset === 0) throw new MetainfoError('EMPTY_TORRENT', 'info.files', 'every file is empty');
  checkCollisions(files, (index) => `info.files[${index}]`);
  return { files, isMultiFile: true, totalLength: offset };
}

/** A file's `path` list, preferring a valid `path.utf-8` twin of the same shape. */
function readPath(entry: BencodeDict, field: string, warnings: MetainfoWarning[]): string[] {
  const raw = requireList(entry, 'path', `${field}.path`);
  if (raw.length === 0) throw new MetainfoError('UNSAFE_PATH', `${field}.path`, 'the path has no components');
  const twin = utf8Twin(entry.get('path.utf-8'), raw.length);
  return raw.map((component, i) => {
    const componentField = `${field}.path[${i}]`;
    if (!isBytes(component)) {
      throw new MetainfoError('WRONG_TYPE', componentField, `expected a string, got ${typeName(component)}`);
    }
    const text = twin?.[i] ?? lossyText(component, componentField, warnings);
    return safeComponent(text, componentField, warnings);
  });
}

/** The components of a `path.utf-8` list if it is a list of `count` valid UTF-8 strings. */
function utf8Twin(value: BencodeValue | undefined, count: number): string[] | undefined {
  if (!isList(value) || value.length !== count) return undefined;
  const out: string[] = [];
  for (const component of value) {
    const text = isBytes(component) ? strictText(component) : undefined;
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out;
}

/**
 * Two files in one place would overwrite each other, and a file that is also a folder cannot be
 * created. Paths are compared case-folded and NFC-normalised, as Windows and macOS would, so the
 * answer is the same on every platform. Pad files are skipped: they are never written (BEP 47) and
 * hybrid torrents routinely repeat the same `.pad/N` path.
 */
export function checkCollisions(
  files: readonly Pick<TorrentFile, 'path' | 'padding'>[], fieldOf: (index: number) => string,
): void {
  const filesByKey = new Map<string, number>();
  const folders = new Map<string, number>();
  for (const [index, file] of files.entries()) {
    if (file.padding) continue;
    const folded = file.path.map(foldComponent);
    const key = folded.join('/');
    const field = `${fieldOf(index)}.path`;
    const earlier = filesByKey.get(key);
    if (earlier !== undefined) {
      throw new MetainfoError('DUPLICATE_PATH', field, `same path as ${fieldOf(earlier)} (compared ignoring case)`);
    }
    const asFolder = folders.get(key);
    if (asFolder !== undefined) {
      throw new MetainfoError('PATH_CONFLICT', field, `is a file, but ${fieldOf(asFolder)} uses it as a folder`);
    }
    filesByKey.set(key, index);
    // Each parent folder of this file, built one component at a time (linear in the path length).
    let folderKey = '';
    for (let depth = 0; depth < folded.length - 1; depth++) {
      folderKey = depth === 0 ? folded[0]! : `${folderKey}/${folded[depth]!}`;
      const clash = filesByKey.get(folderKey);
      if (clash !== undefined) {
        throw new MetainfoError('PATH_CONFLICT', field, `uses ${fieldOf(clash)} as a folder, but it is a file`);
      }
      if (!folders.has(folderKey)) folders.set(folderKey, index);
    }
  }
}
