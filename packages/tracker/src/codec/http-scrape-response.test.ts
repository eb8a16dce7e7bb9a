import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { encode } from '@typetorrent/bencode';
import { TrackerError } from '../errors.js';
import { thrownCode } from '../testing/thrown.js';
import { latin1Bytes } from './bytes.js';
import { parseScrapeResponse } from './http-scrape-response.js';

const hashA = Uint8Array.from({ length: 20 }, (_, i) => 200 + (i % 50));
const hashB = new Uint8Array(20).fill(1);
const key = (hash: Uint8Array): string => String.fromCharCode(...hash);

describe('parseScrapeResponse', () => {
  test('reads files keyed by raw 20-byte hashes (BEP 48)', () => {
    const files = new Map([
      [key(hashA), new Map<string, number | Uint8Array>([['complete', 3], ['downloaded', 10], ['incomplete', 2], ['name', new TextEncoder().encode('ubuntu.iso')]])],
      [key(hashB), new Map<string, number>([['complete', 0], ['downloaded', 0], ['incomplete', 1]])],
    ]);
    const result = parseScrapeResponse(encode(new Map([['files', files]])));
    expect(result.ok).toBe(true);
    const stats = result.ok ? result.files : [];
    const byHex = new Map(stats.map((s) => [s.infoHashHex, s]));
    expect(latin1Bytes(key(hashA))).toEqual(hashA);
    expect(byHex.get(Buffer.from(hashA).toString('hex'))).toEqual({
      infoHash: hashA,
      infoHashHex: Buffer.from(hashA).toString('hex'),
      seeders: 3,
      completed: 10,
      leechers: 2,
      name: 'ubuntu.iso',
    });
    expect(byHex.get('01'.repeat(20))).toMatchObject({ seeders: 0, completed: 0, leechers: 1 });
  });

  test('no files dict means no torrents known', () => {
    expect(parseScrapeResponse(encode({}))).toEqual({ ok: true, files: [] });
  });

  test('a failure reason is a value', () => {
    expect(parseScrapeResponse(encode({ 'failure reason': 'scrape disabled' }))).toEqual({ ok: false, reason: 'scrape disabled' });
  });

  test.each([
    ['a key that is not 20 bytes', encode({ files: { short: { complete: 1 } } })],
    ['an entry that is not a dict', encode(new Map([['files', new Map([[key(hashB), 5]])]]))],
    ['files not a dict', encode({ files: [] })],
    ['not bencode', new TextEncoder().encode('d5:files')],
  ])('rejects %s', (_name, body) => {
    expect(thrownCode(() => parseScrapeResponse(body))).toBe('MALFORMED_RESPONSE');
  });

  test('any bytes give a result or a MALFORMED_RESPONSE TrackerError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        try {
          expect(typeof parseScrapeResponse(body).ok).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(TrackerError);
          expect((error as TrackerError).code).toBe('MALFORMED_RESPONSE');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
