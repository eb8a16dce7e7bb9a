import { expect, it } from '@jest/globals';
import { BoundedKeys } from './bounded-keys.js';

it('remembers keys up to its size, then forgets the oldest first', () => {
  const keys = new BoundedKeys(3);
  expect(['a', 'b', 'c', 'a'].map((k) => keys.add(k))).toEqual([true, true, true, false]);
  keys.add('d');
  expect(['a', 'b', 'c', 'd'].map((k) => keys.has(k))).toEqual([false, true, true, true]);
  expect(keys.size).toBe(3);
  expect(keys.delete('c')).toBe(true);
  expect(keys.size).toBe(2);
});
