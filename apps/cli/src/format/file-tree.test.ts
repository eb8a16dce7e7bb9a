import { expect, test } from '@jest/globals';
import { renderFileTree } from './file-tree.js';

test('folders come before files, each in torrent order, with sizes', () => {
  const lines = renderFileTree('album/', [
    { path: ['cover.jpg'], length: 2048 },
    { path: ['cd1', 'a.flac'], length: 1024 ** 2 },
    { path: ['cd1', 'b.flac'], length: 0 },
    { path: ['cd2', 'deep', 'c.flac'], length: 10 },
  ]);
  expect(lines).toEqual([
    'album/',
    '├── cd1/',
    '│   ├── a.flac  (1 MiB)',
    '│   └── b.flac  (0 B)',
    '├── cd2/',
    '│   └── deep/',
    '│       └── c.flac  (10 B)',
    '└── cover.jpg  (2 KiB)',
  ]);
});
