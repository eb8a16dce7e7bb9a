import { describe, expect, test } from '@jest/globals';
import { thrownCode } from '../testing/thrown.js';
import type { AnnounceRequest } from '../types.js';
import { announceRequestUrl, scrapeRequestUrl } from './http-query.js';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
const peerId = new TextEncoder().encode('-TT0001-abcdefghijkl');
const base: AnnounceRequest = { infoHash, peerId, port: 6881, uploaded: 1, downloaded: 2, left: 3, event: 'started' };

/** The query parameters in order, values still escaped. */
function params(url: string): [string, string][] {
  return url
    .slice(url.indexOf('?') + 1)
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    });
}

describe('announceRequestUrl', () => {
  test('encodes info_hash and peer_id as raw bytes and sends every BEP 3 field', () => {
    const url = announceRequestUrl('http://tracker.example/announce', { ...base, numWant: 30, key: 0xbeef });
    expect(params(url)).toEqual([
      ['info_hash', '%00%0D%1A%274AN%5Bhu%82%8F%9C%A9%B6%C3%D0%DD%EA%F7'],
      ['peer_id', '-TT0001-abcdefghijkl'],
      ['port', '6881'],
      ['uploaded', '1'],
      ['downloaded', '2'],
      ['left', '3'],
      ['compact', '1'],
      ['event', 'started'],
      ['numwant', '30'],
      ['key', '0000BEEF'],
    ]);
  });

  test('says whether we speak encryption (MSE) only when asked to', () => {
    const keys = (request: AnnounceRequest): string[] => params(announceRequestUrl('http://t.example/announce', request)).map(([k]) => k).filter((k) => k.endsWith('crypto'));
    expect([keys(base), keys({ ...base, crypto: 'supported' }), keys({ ...base, crypto: 'required' })]).toEqual([[], ['supportcrypto'], ['supportcrypto', 'requirecrypto']]);
  });

  test('leaves event out for a regular announce', () => {
    const url = announceRequestUrl('http://t.example/announce', { ...base, event: 'none' });
    expect(params(url).map(([k]) => k)).not.toContain('event');
  });

  test('echoes a tracker id as raw bytes', () => {
    const url = announceRequestUrl('http://t.example/announce', { ...base, trackerId: Uint8Array.from([0x41, 0x20, 0xff]) });
    expect(params(url)).toContainEqual(['trackerid', 'A%20%FF']);
  });

  test.each([
    ['http://t.example/announce?passkey=abc', 'http://t.example/announce?passkey=abc&info_hash='],
    ['http://t.example/announce?', 'http://t.example/announce?info_hash='],
    ['http://t.example/announce?a=1&', 'http://t.example/announce?a=1&info_hash='],
    ['http://t.example/announce#frag', 'http://t.example/announce?info_hash='],
  ])('keeps an existing query string: %s', (announce, prefix) => {
    expect(announceRequestUrl(announce, base).startsWith(prefix)).toBe(true);
  });

  test.each([
    ['a 19-byte info-hash', { infoHash: infoHash.subarray(1) }],
    ['a 21-byte peer id', { peerId: new Uint8Array(21) }],
    ['port 0', { port: 0 }],
    ['port 65536', { port: 65536 }],
    ['a negative byte count', { left: -1 }],
    ['a fractional byte count', { uploaded: 1.5 }],
    ['a key over 32 bits', { key: 2 ** 32 }],
    ['a negative numWant', { numWant: -1 }],
  ])('rejects %s with INVALID_REQUEST', (_name, change) => {
    expect(thrownCode(() => announceRequestUrl('http://t.example/announce', { ...base, ...change }))).toBe('INVALID_REQUEST');
  });
});

describe('scrapeRequestUrl', () => {
  test('repeats info_hash for every torrent on the BEP 48 scrape URL', () => {
    const other = new Uint8Array(20).fill(0x61);
    const url = scrapeRequestUrl('http://t.example/announce.php?pk=1', [infoHash, other]);
    expect(url.startsWith('http://t.example/scrape.php?pk=1&info_hash=')).toBe(true);
    expect(params(url).filter(([k]) => k === 'info_hash').map(([, v]) => v)).toEqual([
      '%00%0D%1A%274AN%5Bhu%82%8F%9C%A9%B6%C3%D0%DD%EA%F7',
      'a'.repeat(20),
    ]);
  });

  test('refuses a tracker whose URL has no scrape form', () => {
    expect(thrownCode(() => scrapeRequestUrl('http://t.example/tracker', [infoHash]))).toBe('SCRAPE_UNSUPPORTED');
  });

  test('refuses an empty hash list', () => {
    expect(thrownCode(() => scrapeRequestUrl('http://t.example/announce', []))).toBe('INVALID_REQUEST');
  });
});
