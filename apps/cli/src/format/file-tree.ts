// A torrent's files as an indented tree: in each folder, sub-folders then files, each in torrent order.
// Each file carries its index in the torrent as `[N]`, the number `download --files` takes: the tree
// puts folders first, so the order on screen is not the index order.
import { formatBytes } from './size.js';
import { printable } from './terminal-text.js';

interface Folder {
  readonly folders: Map<string, Folder>;
  readonly files: { name: string; length: number; index: number }[];
}

export interface TreeFile {
  readonly path: readonly string[];
  readonly length: number;
  /** The file's index in the torrent's file list (pad files included, as the engine counts). */
  readonly index: number;
}

/** Lines of a tree rooted at `root` ('name/' for a folder torrent). Names are made printable; `root` is the caller's. */
export function renderFileTree(root: string, files: readonly TreeFile[]): string[] {
  const top: Folder = { folders: new Map(), files: [] };
  for (const file of files) {
    let folder = top;
    for (const part of file.path.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (next === undefined) {
        next = { folders: new Map(), files: [] };
        folder.folders.set(part, next);
      }
      folder = next;
    }
    folder.files.push({ name: file.path.at(-1) ?? '', length: file.length, index: file.index });
  }
  const lines = [root];
  renderFolder(top, '', lines);
  return lines;
}

function renderFolder(folder: Folder, indent: string, lines: string[]): void {
  const entries = [
    ...[...folder.folders].map(([name, sub]) => ({ label: `${printable(name)}/`, sub })),
    ...folder.files.map((f) => ({ label: `[${f.index}] ${printable(f.name)}  (${formatBytes(f.length)})`, sub: undefined })),
  ];
  entries.forEach(({ label, sub }, i) => {
    const last = i === entries.length - 1;
    lines.push(`${indent}${last ? '└── ' : '├── '}${label}`);
    if (sub !== undefined) renderFolder(sub, `${indent}${last ? '    ' : '│   '}`, lines);
  });
}
