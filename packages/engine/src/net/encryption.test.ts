import { expect, it } from '@jest/globals';
import { checkEncryptionPolicy, payloadMethods, plaintextRefused } from './encryption.js';

it('takes prefer (the default), require or disable, and refuses anything else', () => {
  expect([checkEncryptionPolicy(undefined), checkEncryptionPolicy('require'), checkEncryptionPolicy('disable')]).toEqual(['prefer', 'require', 'disable']);
  expect(() => checkEncryptionPolicy('rc4')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
});

it('offers and accepts RC4 first, and plaintext only when encryption is not required', () => {
  expect([payloadMethods('prefer'), payloadMethods('require')]).toEqual([['rc4', 'plaintext'], ['rc4']]);
});

it('says which peer was refused, which way, and why', () => {
  expect(plaintextRefused('127.0.0.1:6881', 'out')).toMatchObject({ peer: '127.0.0.1:6881', message: expect.stringMatching(/does not speak encryption .* encryption is required/) });
  expect(plaintextRefused('127.0.0.1:50000', 'in').message).toMatch(/connected without encryption/);
});
