import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { InfoHashIndex } from './info-hash-index.js';

const hash = (n: number): Uint8Array => new Uint8Array(20).fill(n);
const req2 = (infoHash: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update('req2').update(infoHash).digest());

describe('InfoHashIndex', () => {
  it('finds a torrent by SHA-1("req2", info-hash) among many', () => {
    const index = new InfoHashIndex(Array.from({ length: 100 }, (_, i) => hash(i)));
    expect(index.find(req2(hash(42)))).toEqual(hash(42));
    expect(index.find(req2(hash(200)))).toBeUndefined();
    expect(index.size).toBe(100);
  });

  it('forgets a removed torrent', () => {
    const index = new InfoHashIndex([hash(1)]);
    expect(index.delete(hash(1))).toBe(true);
    expect(index.find(req2(hash(1)))).toBeUndefined();
  });

  it('keeps its own copy of each info-hash', () => {
    const mine = hash(7);
    const index = new InfoHashIndex([mine]);
    mine.fill(0);
    expect(index.find(req2(hash(7)))).toEqual(hash(7));
  });

  it('refuses an info-hash that is not 20 bytes', () => {
    expect(() => new InfoHashIndex([new Uint8Array(32)])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
