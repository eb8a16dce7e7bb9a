import { describe, expect, it } from '@jest/globals';
import { fileLimitWarning, openFileLimit, OTHER_DESCRIPTORS, parseOpenFileLimit } from './file-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('open file limit', () => {
  it('reads the soft and hard limit from /proc/self/limits text', () => {
    expect(parseOpenFileLimit(LIMITS)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseOpenFileLimit(LIMITS.replace('1024                 524288', 'unlimited            unlimited'))).toEqual({
      soft: Number.POSITIVE_INFINITY,
      hard: Number.POSITIVE_INFINITY,
    });
    expect(parseOpenFileLimit('Max cpu time unlimited unlimited seconds')).toBeUndefined();
  });

  it('is unknown where the limits file cannot be read', () => {
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('reads this process limit on Linux, where Node already raised the soft limit to the hard one', () => {
    const limit = openFileLimit();
    if (process.platform !== 'linux') {
      expect(limit).toBeUndefined();
      return;
    }
    // With an unlimited hard limit Node stops at the kernel's ceiling instead.
    if (limit?.hard !== Number.POSITIVE_INFINITY) expect(limit?.soft).toBe(limit?.hard);
    else expect(limit.soft).toBeGreaterThan(0);
  });

  it('warns when pooled files, connections and the others could pass the soft limit, naming the figures', () => {
    const limit = { soft: 1024, hard: 1024 };
    expect(fileLimitWarning(limit, 256, 200)).toBeUndefined();
    expect(fileLimitWarning(limit, 1024 - 200 - OTHER_DESCRIPTORS, 200)).toBeUndefined();
    const warning = fileLimitWarning(limit, 900, 200);
    expect(warning?.code).toBe('STORAGE');
    expect(warning?.message).toContain('1024');
    expect(warning?.message).toContain(String(900 + 200 + OTHER_DESCRIPTORS));
    expect(fileLimitWarning(undefined, 100_000, 100_000)).toBeUndefined();
  });
});
