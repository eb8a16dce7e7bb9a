// The download folder is the only place this package writes. Metainfo already rejects unsafe names,
// but a storage layer must not trust its input: every path is resolved and checked to stay inside the
// folder, and no symbolic link below the folder is followed (a link planted in the download folder
// could otherwise send writes anywhere). The folder itself may be reached through links: the user
// chose it.
import path from 'node:path';
import { StorageError, toStorageError } from './errors.js';
import type { FileSystem } from './file-system.js';

/** The folder inside the download folder that holds side files and resume data. */
export const STATE_FOLDER = '.typetorrent';

/** Components that would change meaning when joined: empty, '.', '..', separators, NUL. */
function isUnsafeComponent(component: string): boolean {
  return (
    component === '' ||
    component === '.' ||
    component === '..' ||
    component.includes('/') ||
    component.includes('\\') ||
    component.includes('\0')
  );
}

/** The absolute path of `components` below `root`; throws UNSAFE_PATH when it could escape. */
export function resolveInside(root: string, components: readonly string[]): string {
  const shown = components.join('/');
  if (components.length === 0 || components.some(isUnsafeComponent)) {
    throw new StorageError('UNSAFE_PATH', `unsafe path in torrent: ${JSON.stringify(shown)}`, { path: root });
  }
  const resolved = path.resolve(root, ...components);
  const relative = path.relative(root, resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new StorageError('UNSAFE_PATH', `path leaves the download folder: ${JSON.stringify(shown)}`, { path: resolved });
  }
  return resolved;
}

/**
 * The absolute path of a torrent's file below `root`: as resolveInside, and never in or at the state
 * folder, which holds every torrent's resume record and side file. A crafted torrent named after it
 * could otherwise overwrite another torrent's record with one that vouches for pieces never written.
 * Compared case-insensitively, for case-insensitive file systems.
 */
export function resolveTorrentFile(root: string, components: readonly string[]): string {
  const resolved = resolveInside(root, components);
  if (components[0]?.toLowerCase() === STATE_FOLDER) {
    throw new StorageError('UNSAFE_PATH', `torrent file in the state folder ${STATE_FOLDER}: ${JSON.stringify(components.join('/'))}`, {
      path: resolved,
    });
  }
  return resolved;
}

/**
 * Creates the folders between `root` and `file` one at a time, refusing any that is a symbolic link
 * (UNSAFE_PATH) or not a folder (NOT_A_FILE). `checked` remembers folders already known good, so each
 * is looked at once per storage. A folder swapped for a link after the check is not caught; O_NOFOLLOW
 * still guards the file itself.
 */
export async function ensureParentFolders(
  fileSystem: FileSystem,
  root: string,
  file: string,
  checked: Set<string>,
): Promise<void> {
  const parts = path.relative(root, path.dirname(file)).split(path.sep).filter((part) => part !== '');
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    if (checked.has(current)) continue;
    try {
      let info = await fileSystem.lstat(current);
      if (info === undefined) {
        await fileSystem.mkdir(current);
        info = await fileSystem.lstat(current);
      }
      if (info?.kind === 'symlink') {
        throw new StorageError('UNSAFE_PATH', 'a folder in the download folder is a symbolic link', { path: current });
      }
      if (info?.kind !== 'directory') {
        throw new StorageError('NOT_A_FILE', 'expected a folder here', { path: current });
      }
    } catch (error) {
      throw toStorageError(error, current);
    }
    checked.add(current);
  }
}
