import { expect, test } from '@jest/globals';
import { deterministicBytes } from './temp.js';

test('deterministicBytes gives the same bytes for the same seed and different bytes for another', () => {
  const a = deterministicBytes(1000, 7);
  expect(deterministicBytes(1000, 7)).toEqual(a);
  expect(deterministicBytes(1000, 8)).not.toEqual(a);
  expect(new Set(a).size).toBeGreaterThan(200);
});
