import { describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import { currentBootId, parseBootId } from './boot-id.js';

describe('boot identity', () => {
  test('takes the kernel UUID as printed, trimmed and in lower case', () => {
    expect(parseBootId('545690A0-29F6-44E8-A339-CA3E2B031E23\n')).toBe('545690a0-29f6-44e8-a339-ca3e2b031e23');
  });

  test.each(['', '\n', 'not-a-uuid', '545690a0-29f6-44e8-a339', '545690a0-29f6-44e8-a339-ca3e2b031e23-00'])('treats %j as no identity', (text) => {
    expect(parseBootId(text)).toBeUndefined();
  });

  test('is the same on every call, and the kernel one where Linux has it', async () => {
    const id = await currentBootId();
    expect(await currentBootId()).toBe(id);
    const kernel = '/proc/sys/kernel/random/boot_id';
    expect(id).toBe(fs.existsSync(kernel) ? fs.readFileSync(kernel, 'latin1').trim() : undefined);
  });
});
