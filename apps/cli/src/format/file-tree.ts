// A torrent's files as an indented tree: in each folder, sub-folders then files, each in torrent order.
import { formatBytes } from './size.js';
import { printable } from './terminal-text.js';

interface Folder {
  readonly folders: Map<string, Folder>;
  readonly files: { name: string; length: number }[];
}

export interface TreeFile {
  readonly path: readonly string[];
  readonly length: number;
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
    folder.files.push({ name: file.path.at(-1) ?? '', length: file.length });
  }
  const lines = [root];
  renderFolder(top, '', lines);
  return lines;
}

function renderFolder(folder: Folder, indent: string, lines: string[]): void {
  const entries = [
    ...[...folder.folders].map(([name, sub]) => ({ label: `${printable(name)}/`, sub })),
    ...folder.files.map((f) => ({ label: `${printable(f.name)}  (${formatBytes(f.length)})`, sub: undefined })),
  ];
  entries.forEach(({ label, sub }, i) => {
    const last = i === entries.length - 1;
    lines.push(`${indent}${last ? '└── ' : '├── '}${label}`);
    if (sub !== undefined) renderFolder(sub, `${indent}${last ? '    ' : '│   '}`, lines);
  });
}
