import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { parseActiveLimit, queueSessionOptions } from './queue-options.js';

describe('active limit flags', () => {
  it('take a whole number of at least 1, or unlimited', () => {
    expect(parseActiveLimit('3')).toBe(3);
    expect(parseActiveLimit('Unlimited')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['0', '-1', '2.5', 'many', '']) expect(() => parseActiveLimit(bad)).toThrow(InvalidArgumentError);
  });

  it('pass only the limits given to the session (the engine keeps its defaults for the others)', () => {
    expect(queueSessionOptions({})).toEqual({});
    expect(queueSessionOptions({ maxActiveDownloads: 2, maxActiveSeeds: Number.POSITIVE_INFINITY })).toEqual({ maxActiveDownloads: 2, maxActiveSeeds: Number.POSITIVE_INFINITY });
  });
});
