import { expect, test } from '@jest/globals';
import { packageName } from './index.js';

test('names the package', () => {
  expect(packageName).toBe('@typetorrent/bencode');
});
