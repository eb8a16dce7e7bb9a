// Walking a folder for createTorrentFromPath. Symlink policy (README): a link is followed only when
// its real target is inside the folder being shared (so a torrent never leaks files from elsewhere);
// links that leave it, dangling links and special files (sockets, FIFOs, devices) are skipped, and
// each real folder is visited once, so link cycles end.
import fs from 'node:fs/promises';
import path from 'node:path';

export interface WalkedFile {
  /** Components relative to the root. */
  readonly path: string[];
  /** Where to read the bytes (the real path for followed links). */
  readonly absolutePath: string;
  readonly length: number;
}

export interface SkippedEntry {
  readonly path: string;
  readonly reason: 'symlink-outside' | 'dangling-symlink' | 'special-file';
}

export async function walkFolder(
  root: string, signal?: AbortSignal,
): Promise<{ files: WalkedFile[]; skipped: SkippedEntry[] }> {
  const realRoot = await fs.realpath(root);
  const files: WalkedFile[] = [];
  const skipped: SkippedEntry[] = [];
  const visited = new Set<string>([realRoot]);

  async function visit(dir: string, relative: string[]): Promise<void> {
    signal?.throwIfAborted();
    // Sorted so that which path a linked folder is reached by does not depend on readdir order.
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const rel = [...relative, entry.name];
      let real = full;
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(full).catch(() => undefined);
        if (target === undefined) {
          skipped.push({ path: rel.join('/'), reason: 'dangling-symlink' });
          continue;
        }
        if (!isInside(realRoot, target)) {
          skipped.push({ path: rel.join('/'), reason: 'symlink-outside' });
          continue;
        }
        real = target;
      }
      const stat = await fs.stat(real);
      if (stat.isDirectory()) {
        if (visited.has(real)) continue;
        visited.add(real);
        await visit(real, rel);
      } else if (stat.isFile()) {
        files.push({ path: rel, absolutePath: real, length: stat.size });
      } else {
        skipped.push({ path: rel.join('/'), reason: 'special-file' });
      }
    }
  }

  await visit(realRoot, []);
  return { files, skipped };
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  // Outside means a leading '..' component; a name such as '..data' merely starts with two dots.
  const [first] = relative.split(path.sep);
  return relative !== '' && first !== '..' && !path.isAbsolute(relative);
}
