import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { METADATA_PIECE_LENGTH } from '@typetorrent/peer-wire';
import { MAX_METADATA_SIZE } from './assembly.js';
import { MetadataFetch, PIECE_TIMEOUT_MS } from './metadata-fetch.js';

const info = new Uint8Array(METADATA_PIECE_LENGTH + 100).map((_, i) => (i * 7) & 0xff);
const infoHash = createHash('sha1').update(info).digest();

function piece(bytes: Uint8Array, index: number): Uint8Array {
  return bytes.subarray(index * METADATA_PIECE_LENGTH, (index + 1) * METADATA_PIECE_LENGTH);
}

describe('MetadataFetch', () => {
  it('assembles the dict from one peer and verifies it', () => {
    const fetch = new MetadataFetch(infoHash);
    expect(fetch.claim('a', info.length)).toBeUndefined();
    expect(fetch.requests('a', 0)).toEqual([0, 1]);
    expect(fetch.received('a', 0, piece(info, 0)).kind).toBe('pending');
    const outcome = fetch.received('a', 1, piece(info, 1));
    expect(outcome.kind).toBe('verified');
    expect(outcome.kind === 'verified' && Buffer.from(outcome.bytes).equals(Buffer.from(info))).toBe(true);
  });

  it('a peer that lies about the size does not stop honest peers from being asked', () => {
    const fetch = new MetadataFetch(infoHash);
    // The liar speaks first and names another size: it gets its own assembly.
    fetch.claim('liar', 20);
    expect(fetch.requests('liar', 0)).toEqual([0]);
    fetch.claim('honest', info.length);
    expect(fetch.requests('honest', 0)).toEqual([0, 1]);
    const forged = fetch.received('liar', 0, new Uint8Array(20));
    expect(forged.kind).toBe('forged');
    expect(forged.kind === 'forged' && forged.guilty).toEqual(['liar']);
    fetch.received('honest', 0, piece(info, 0));
    expect(fetch.received('honest', 1, piece(info, 1)).kind).toBe('verified');
  });

  it('forged data of the right size is thrown away and asked again of the others', () => {
    const fetch = new MetadataFetch(infoHash);
    fetch.claim('forger', info.length);
    fetch.claim('honest', info.length);
    expect(fetch.requests('forger', 0)).toEqual([0, 1]);
    fetch.received('forger', 0, new Uint8Array(METADATA_PIECE_LENGTH));
    const outcome = fetch.received('forger', 1, new Uint8Array(100));
    expect(outcome.kind === 'forged' && outcome.guilty).toEqual(['forger']);
    // The forger's claim is gone; the honest peer gets the whole dict to fetch.
    expect(fetch.requests('forger', 0)).toEqual([]);
    expect(fetch.requests('honest', 0)).toEqual([0, 1]);
  });

  it('asks another peer for a piece a silent peer sits on, after the timeout', () => {
    const fetch = new MetadataFetch(infoHash);
    fetch.claim('silent', info.length);
    fetch.claim('other', info.length);
    expect(fetch.requests('silent', 0)).toEqual([0, 1]);
    expect(fetch.requests('other', 1)).toEqual([]);
    expect(fetch.requests('other', PIECE_TIMEOUT_MS + 1)).toEqual([0, 1]);
  });

  it('ignores sizes beyond the cap, with the reason', () => {
    const fetch = new MetadataFetch(infoHash);
    expect(fetch.claim('huge', MAX_METADATA_SIZE + 1)).toMatch(/more than/);
    expect(fetch.claim('vague', undefined)).toMatch(/did not say/);
    expect(fetch.requests('huge', 0)).toEqual([]);
  });

  it('holds no more than its memory cap of assemblies, and frees a size nobody claims', () => {
    const fetch = new MetadataFetch(infoHash);
    fetch.claim('a', MAX_METADATA_SIZE);
    fetch.claim('b', MAX_METADATA_SIZE - 1);
    fetch.claim('c', MAX_METADATA_SIZE - 2);
    expect(fetch.requests('a', 0).length).toBeGreaterThan(0);
    expect(fetch.requests('b', 0).length).toBeGreaterThan(0);
    expect(fetch.requests('c', 0)).toEqual([]);
    fetch.leave('a');
    expect(fetch.requests('c', 0).length).toBeGreaterThan(0);
  });
});
