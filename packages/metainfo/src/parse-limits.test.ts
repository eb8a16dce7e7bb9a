// Caps on the lists outside the info dict (issue 16, defect 7): a 22 MiB torrent with 950,000 tracker
// tiers used to take 5 s and 760 MiB to parse. These tests check the outcome on such inputs; how long
// parsing takes is a benchmark question, not asserted here.
import { describe, expect, test } from '@jest/globals';
import { encode } from '@typetorrent/bencode';
import { singleInfo, thrown, torrentBytes } from '../test/fixtures.js';
import { MetainfoError } from './errors.js';
import { DEFAULT_MAX_TRACKERS, DEFAULT_MAX_WEB_SEEDS } from './info-dict.js';
import { parseTorrent } from './parse.js';

function metainfoError(run: () => unknown): MetainfoError {
  const error = thrown(run);
  if (error instanceof MetainfoError) return error;
  throw new Error(`expected a MetainfoError, got ${String(error)}`);
}

/** A torrent whose announce-list is `tiers` one-URL tiers, built as text (encode would take longer). */
function manyTiers(tiers: number): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < tiers; i++) {
    const url = `http://t${i}.example/a`;
    parts.push(`l${url.length}:${url}e`);
  }
  const head = new TextEncoder().encode(`d13:announce-listl${parts.join('')}e4:info`);
  const info = encode(singleInfo());
  const out = new Uint8Array(head.length + info.length + 1);
  out.set(head);
  out.set(info, head.length);
  out[out.length - 1] = 0x65; // 'e'
  return out;
}

describe('tracker and web seed caps', () => {
  test('950,000 tracker tiers are refused as TOO_MANY_TRACKERS naming announce-list', () => {
    const bytes = manyTiers(950_000);
    expect(bytes.length).toBeGreaterThan(20 * 1024 * 1024);
    const error = metainfoError(() => parseTorrent(bytes));
    expect(error.code).toBe('TOO_MANY_TRACKERS');
    expect(error.field).toBe('announce-list');
    expect(error.message).toContain('950000 tiers');
  });

  test('exactly the default number of tiers parses, every URL kept', () => {
    const meta = parseTorrent(manyTiers(DEFAULT_MAX_TRACKERS));
    expect(meta.announce).toHaveLength(DEFAULT_MAX_TRACKERS);
    expect(meta.announce[9_999]).toEqual(['http://t9999.example/a']);
  });

  test('few tiers holding too many URLs in total are refused too', () => {
    const urls = Array.from({ length: 600 }, (_, i) => `http://t${i}.example/a`);
    const bytes = torrentBytes(singleInfo(), { 'announce-list': [urls, urls] });
    const error = metainfoError(() => parseTorrent(bytes, { maxTrackers: 1000 }));
    expect(error.code).toBe('TOO_MANY_TRACKERS');
    expect(error.message).toContain('1200 tracker URLs');
    // Under the cap the same file parses, duplicates across tiers dropped as before.
    expect(parseTorrent(bytes, { maxTrackers: 1200 }).announce).toEqual([urls]);
  });

  test('a url-list longer than the cap is TOO_MANY_WEB_SEEDS naming url-list', () => {
    const urls = Array.from({ length: DEFAULT_MAX_WEB_SEEDS + 1 }, (_, i) => `http://s${i}.example/`);
    const error = metainfoError(() => parseTorrent(torrentBytes(singleInfo(), { 'url-list': urls })));
    expect(error.code).toBe('TOO_MANY_WEB_SEEDS');
    expect(error.field).toBe('url-list');
  });

  test('a url-list at the cap parses with duplicates dropped, first occurrence first', () => {
    const urls = Array.from({ length: DEFAULT_MAX_WEB_SEEDS }, (_, i) => `http://s${i % 5000}.example/`);
    const meta = parseTorrent(torrentBytes(singleInfo(), { 'url-list': urls }));
    expect(meta.urlList).toHaveLength(5000);
    expect(meta.urlList[0]).toBe('http://s0.example/');
    expect(meta.urlList[4999]).toBe('http://s4999.example/');
  });
});
