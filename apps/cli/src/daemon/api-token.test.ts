import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { authorizationMatches, fileKey, fileKeyMatches, loadOrCreateToken } from './api-token.js';

let dir = '';
beforeEach(async () => {
  dir = await makeTempDir('typetorrent-token-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('API token', () => {
  it('is made on the first start with mode 0600 and kept on the next', async () => {
    const first = await loadOrCreateToken(dir);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(path.join(dir, 'api-token')).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateToken(dir);
    expect(second).toEqual({ ...first, created: false });
  });

  it('tightens a token file someone made readable to others', async () => {
    const { token } = await loadOrCreateToken(dir);
    fs.chmodSync(path.join(dir, 'api-token'), 0o644);
    expect((await loadOrCreateToken(dir)).token).toBe(token);
    expect(fs.statSync(path.join(dir, 'api-token')).mode & 0o777).toBe(0o600);
  });

  it('replaces a file that holds no usable token', async () => {
    fs.writeFileSync(path.join(dir, 'api-token'), 'short\n');
    const made = await loadOrCreateToken(dir);
    expect(made.created).toBe(true);
    expect(made.token).not.toBe('short');
  });

  it('matches only `Bearer <token>` exactly', () => {
    const token = 'a'.repeat(43);
    expect(authorizationMatches(`Bearer ${token}`, token)).toBe(true);
    expect(authorizationMatches(`bearer  ${token}`, token)).toBe(true);
    expect(authorizationMatches(undefined, token)).toBe(false);
    expect(authorizationMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(authorizationMatches(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(authorizationMatches(`Basic ${token}`, token)).toBe(false);
    expect(authorizationMatches(token, token)).toBe(false);
  });

  it('gives each file its own key, good only for that file', () => {
    const token = 'b'.repeat(43);
    const hash = 'ab'.repeat(20);
    const key = fileKey(token, hash, 2);
    expect(key).not.toContain(token);
    expect(fileKeyMatches(token, `/api/v1/torrents/${hash}/files/2`, key)).toBe(true);
    expect(fileKeyMatches(token, `/api/v1/torrents/${hash}/files/3`, key)).toBe(false);
    expect(fileKeyMatches(token, `/api/v1/torrents/${hash}/files`, key)).toBe(false);
    expect(fileKeyMatches(token, `/api/v1/torrents/${hash}/files/2`, null)).toBe(false);
    expect(fileKeyMatches('c'.repeat(43), `/api/v1/torrents/${hash}/files/2`, key)).toBe(false);
  });
});
