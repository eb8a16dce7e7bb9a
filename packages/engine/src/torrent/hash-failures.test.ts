import { describe, expect, it } from '@jest/globals';
import { HashFailures } from './hash-failures.js';

const good = Uint8Array.of(1, 2, 3);
const bad = Uint8Array.of(9, 9, 9);

describe('HashFailures', () => {
  it('convicts the only sender of a failed piece at once', () => {
    const failures = new HashFailures();
    expect(failures.failed(4, ['a', 'a', 'a'])).toEqual(['a']);
    expect(failures.recording).toBe(true);
  });

  it('with several senders, waits for the piece to pass and convicts whoever sent a different block', () => {
    const failures = new HashFailures();
    // The first failure happens before anything is recorded: nobody can be told apart yet.
    expect(failures.failed(1, ['a', 'b'])).toEqual([]);
    failures.observe(1, 0, 'a', good);
    failures.observe(1, 1, 'b', bad);
    expect(failures.failed(1, ['a', 'b'])).toEqual([]);
    failures.observe(1, 0, 'c', good);
    failures.observe(1, 1, 'a', good);
    expect(failures.verified(1)).toEqual(['b']);
  });

  it('convicts nobody for a piece that never failed', () => {
    const failures = new HashFailures();
    failures.failed(7, ['x']);
    failures.observe(2, 0, 'a', good);
    expect(failures.verified(2)).toEqual([]);
  });
});
