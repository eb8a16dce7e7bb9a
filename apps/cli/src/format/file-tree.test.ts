import { expect, test } from '@jest/globals';
import { renderFileTree } from './file-tree.js';

test('folders come before files, each in torrent order, with sizes and each file\'s torrent index', () => {
  const lines = renderFileTree('album/', [
    { path: ['cover.jpg'], length: 2048, index: 0 },
    { path: ['cd1', 'a.flac'], length: 1024 ** 2, index: 1 },
    { path: ['cd1', 'b.flac'], length: 0, index: 2 },
    { path: ['cd2', 'deep', 'c.flac'], length: 10, index: 4 },
  ]);
  expect(lines).toEqual([
    'album/',
    '├── cd1/',
    '│   ├── [1] a.flac  (1 MiB)',
    '│   └── [2] b.flac  (0 B)',
    '├── cd2/',
    '│   └── deep/',
    '│       └── [4] c.flac  (10 B)',
    '└── [0] cover.jpg  (2 KiB)',
  ]);
});
