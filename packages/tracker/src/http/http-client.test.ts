import { afterEach, describe, expect, test } from '@jest/globals';
import type http from 'node:http';
import zlib from 'node:zlib';
import { encode } from '@typetorrent/bencode';
import { startFakeHttpTracker, type FakeHttpTracker } from '../testing/fake-http-tracker.js';
import { rejectedWith } from '../testing/thrown.js';
import type { AnnounceRequest } from '../types.js';
import { HttpTrackerClient, type HttpTrackerClientOptions } from './http-client.js';

const infoHash = new Uint8Array(20).fill(0x41);
const request: AnnounceRequest = { infoHash, peerId: new Uint8Array(20).fill(0x42), port: 6881, uploaded: 0, downloaded: 0, left: 10, event: 'started' };
const okBody = encode({ interval: 900, complete: 1, incomplete: 2, peers: Uint8Array.from([127, 0, 0, 1, 0x1a, 0xe1]) });

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

async function tracker(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<FakeHttpTracker> {
  const fake = await startFakeHttpTracker(handle);
  cleanup.push(() => fake.close());
  return fake;
}

const client = (options: HttpTrackerClientOptions = {}): HttpTrackerClient => new HttpTrackerClient({ timeoutMs: 5000, ...options });

describe('HttpTrackerClient announce', () => {
  test('sends the announce to the URL, keeping its query string, and reads the answer', async () => {
    const fake = await tracker((_req, res) => res.end(okBody));
    const result = await client().announce(`${fake.origin}/announce?passkey=s3cret`, request);
    expect(result).toEqual({ ok: true, interval: 900, seeders: 1, leechers: 2, peers: [{ host: '127.0.0.1', port: 6881 }] });
    expect(fake.requests[0]).toMatch(/^\/announce\?passkey=s3cret&info_hash=AAAAAAAAAAAAAAAAAAAA&peer_id=BBBBBBBBBBBBBBBBBBBB&port=6881&/);
  });

  test('a client told we speak encryption says so in every announce, unless the request says otherwise', async () => {
    const fake = await tracker((_req, res) => res.end(okBody));
    const url = `${fake.origin}/announce`;
    await client({ crypto: 'required' }).announce(url, request);
    await client({ crypto: 'supported' }).announce(url, request);
    await client({ crypto: 'required' }).announce(url, { ...request, crypto: 'supported' });
    await client().announce(url, request);
    expect(fake.requests.map((path) => path.split('&').filter((p) => p.includes('crypto')).join('&'))).toEqual([
      'supportcrypto=1&requirecrypto=1',
      'supportcrypto=1',
      'supportcrypto=1',
      '',
    ]);
  });

  test('a failure reason is a result, even with a 4xx status', async () => {
    const fake = await tracker((req, res) => {
      res.statusCode = req.url?.includes('event=started') === true ? 200 : 403;
      res.end(encode({ 'failure reason': 'unregistered torrent' }));
    });
    expect(await client().announce(`${fake.origin}/announce`, request)).toEqual({ ok: false, reason: 'unregistered torrent' });
    expect(await client().announce(`${fake.origin}/announce`, { ...request, event: 'none' })).toEqual({ ok: false, reason: 'unregistered torrent' });
  });

  test('any other non-2xx status is an HTTP_STATUS error', async () => {
    const fake = await tracker((_req, res) => {
      res.statusCode = 500;
      res.end('Internal Server Error');
    });
    const error = await rejectedWith(client().announce(`${fake.origin}/announce`, request));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.message).toMatch(/500/);
  });

  test('a body that is not bencode is MALFORMED_RESPONSE, naming the tracker', async () => {
    const fake = await tracker((_req, res) => res.end('<html>tracker offline</html>'));
    const url = `${fake.origin}/announce`;
    const error = await rejectedWith(client().announce(url, request));
    expect(error.code).toBe('MALFORMED_RESPONSE');
    expect(error.url).toBe(url);
  });

  test('a tracker that never answers times out (TIMEOUT)', async () => {
    const fake = await tracker(() => undefined);
    const error = await rejectedWith(client({ timeoutMs: 50 }).announce(`${fake.origin}/announce`, request));
    expect(error.code).toBe('TIMEOUT');
  });

  test('a tracker that stalls mid-body times out too', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(200, { 'content-length': String(okBody.length) });
      res.write(okBody.subarray(0, 5));
    });
    expect((await rejectedWith(client({ timeoutMs: 50 }).announce(`${fake.origin}/announce`, request))).code).toBe('TIMEOUT');
  });

  test('the caller aborts with its own signal (ABORTED), or its timeout signal (TIMEOUT)', async () => {
    const fake = await tracker(() => undefined);
    const controller = new AbortController();
    const pending = client().announce(`${fake.origin}/announce`, request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await rejectedWith(pending)).code).toBe('ABORTED');
    expect((await rejectedWith(client().announce(`${fake.origin}/announce`, request, { signal: AbortSignal.timeout(20) }))).code).toBe('TIMEOUT');
  });

  test('an oversized body is refused by its declared length', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
      res.write(new Uint8Array(1024));
    });
    expect((await rejectedWith(client().announce(`${fake.origin}/announce`, request))).code).toBe('RESPONSE_TOO_LARGE');
  });

  test('an endless chunked body is cut off once it passes the cap', async () => {
    let written = 0;
    const fake = await tracker((_req, res) => {
      const chunk = new Uint8Array(16 * 1024).fill(0x31);
      const pump = (): void => {
        while (!res.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const error = await rejectedWith(client({ maxResponseBytes: 64 * 1024 }).announce(`${fake.origin}/announce`, request));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  test('a gzip body that expands past the cap is refused', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(new Uint8Array(4 * 1024 * 1024)));
    });
    expect((await rejectedWith(client().announce(`${fake.origin}/announce`, request))).code).toBe('RESPONSE_TOO_LARGE');
  });

  test('a gzip body within the cap is decoded', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(okBody));
    });
    expect(await client().announce(`${fake.origin}/announce`, request)).toMatchObject({ ok: true, interval: 900 });
  });

  test('follows up to 3 redirects, relative or absolute', async () => {
    const fake = await tracker((req, res) => {
      const hop = Number(/^\/hop(\d)/.exec(req.url ?? '')?.[1] ?? 0);
      if (hop < 3) {
        res.writeHead(302, { location: hop === 1 ? `/hop${hop + 1}` : `${fake.origin}/hop${hop + 1}` });
        res.end();
      } else {
        res.end(okBody);
      }
    });
    expect((await client().announce(`${fake.origin}/hop0/announce`, request)).ok).toBe(true);
    expect(fake.requests.map((path) => path.slice(0, 5))).toEqual(['/hop0', '/hop1', '/hop2', '/hop3']);
  });

  test('a redirect whose body never ends is followed without reading it', async () => {
    const fake = await tracker((req, res) => {
      if (req.url?.startsWith('/old') === true) {
        res.writeHead(307, { location: '/announce' });
        res.write(new Uint8Array(64 * 1024)); // and never end
      } else {
        res.end(okBody);
      }
    });
    expect((await client().announce(`${fake.origin}/old/announce`, request)).ok).toBe(true);
  });

  test('a redirect loop ends with TOO_MANY_REDIRECTS', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(301, { location: '/announce' });
      res.end();
    });
    expect((await rejectedWith(client().announce(`${fake.origin}/announce`, request))).code).toBe('TOO_MANY_REDIRECTS');
    expect(fake.requests).toHaveLength(4);
  });

  test('a redirect to another scheme is refused', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(302, { location: 'udp://127.0.0.1:1/announce' });
      res.end();
    });
    expect((await rejectedWith(client().announce(`${fake.origin}/announce`, request))).code).toBe('TOO_MANY_REDIRECTS');
  });

  test('a connection cut mid-body is a NETWORK error', async () => {
    const fake = await tracker((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('d8:interval', () => res.destroy());
    });
    expect((await rejectedWith(client().announce(`${fake.origin}/announce`, request))).code).toBe('NETWORK');
  });

  test('a refused connection is a NETWORK error', async () => {
    const fake = await tracker(() => undefined);
    const url = `${fake.origin}/announce`;
    await fake.close();
    expect((await rejectedWith(client().announce(url, request))).code).toBe('NETWORK');
  });
});

describe('HttpTrackerClient scrape', () => {
  test('scrapes on the BEP 48 URL and reads the files dict', async () => {
    const key = String.fromCharCode(...infoHash);
    const fake = await tracker((_req, res) => res.end(encode(new Map([['files', new Map([[key, { complete: 4, downloaded: 8, incomplete: 1 }]])]]))));
    const result = await client().scrape(`${fake.origin}/announce`, [infoHash]);
    expect(result).toEqual({ ok: true, files: [{ infoHash, infoHashHex: '41'.repeat(20), seeders: 4, completed: 8, leechers: 1 }] });
    expect(fake.requests).toEqual([`/scrape?info_hash=${'A'.repeat(20)}`]);
  });

  test('a URL without the announce convention cannot scrape (SCRAPE_UNSUPPORTED), and nothing is sent', async () => {
    const fake = await tracker((_req, res) => res.end(okBody));
    expect((await rejectedWith(client().scrape(`${fake.origin}/tracker`, [infoHash]))).code).toBe('SCRAPE_UNSUPPORTED');
    expect(fake.requests).toEqual([]);
  });
});
