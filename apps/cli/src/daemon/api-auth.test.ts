// Who may talk to the daemon: the token, the Host header (DNS rebinding), other origins, and the
// web UI page that needs no token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { startTestDaemon, type TestDaemon } from '../testing/daemon-fixtures.js';
import { startDaemon } from './daemon.js';

let work = '';
let t: TestDaemon;

/** A raw request, so the Host header can be anything (fetch sets its own). */
async function raw(method: string, pathname: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(t.daemon.url);
  return await new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathname, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-auth-');
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'));
});

afterAll(async () => {
  await t.daemon.close();
  await removeTempDir(work);
});

describe('the API token', () => {
  it('is needed for every /api request: 401 with the error shape and WWW-Authenticate', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Basic ${t.daemon.token}` }, { authorization: t.daemon.token }]) {
      const answer = await raw('GET', '/api/v1/torrents', { host: `127.0.0.1:${new URL(t.daemon.url).port}`, ...headers });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    }
    const nope = await raw('POST', '/api/v1/torrents/0123456789abcdef0123456789abcdef01234567/pause', { host: 'localhost' });
    expect(nope.status).toBe(401);
  });

  it('lets the right token through', async () => {
    const answer = await t.client.request('GET', '/api/v1/torrents');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ torrents: [] });
  });
});

describe('Host and Origin', () => {
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${t.daemon.token}` });

  it('answers 403 to a foreign Host, even with the token', async () => {
    for (const host of ['evil.example', 'evil.example:9091', '127.0.0.1.nip.io']) {
      const answer = await raw('GET', '/api/v1/torrents', { ...auth(), host });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('FORBIDDEN');
    }
    expect((await raw('GET', '/', { host: 'evil.example' })).status).toBe(403);
  });

  it('answers to localhost, 127.0.0.1 and [::1] names', async () => {
    for (const host of ['localhost', '127.0.0.1:1', '[::1]:9091']) expect((await raw('GET', '/api/v1/session', { ...auth(), host })).status).toBe(200);
  });

  it('refuses other origins and sends no CORS headers', async () => {
    const foreign = await raw('GET', '/api/v1/torrents', { ...auth(), host: 'localhost', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const preflight = await raw('OPTIONS', '/api/v1/torrents', { host: 'localhost', origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(403);
    const same = await raw('GET', '/api/v1/torrents', { ...auth(), host: 'localhost', origin: 'http://localhost:9091' });
    expect(same.status).toBe(200);
    for (const answer of [foreign, preflight, same]) expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('answers names given with --allow-host', async () => {
    const other = await startDaemon({ listen: { host: '127.0.0.1', port: 0 }, allowHosts: ['nas.lan'], stateDir: path.join(work, 'state2'), downloadDir: work, port: 0, peerHost: '127.0.0.1' });
    try {
      const answer = await fetch(`${other.url}/api/v1/session`, { headers: { authorization: `Bearer ${other.token}` } });
      expect(answer.status).toBe(200);
      const url = new URL(other.url);
      const viaName = await new Promise<number>((resolve, reject) => {
        http.get({ host: url.hostname, port: url.port, path: '/api/v1/session', headers: { host: 'nas.lan:8080', authorization: `Bearer ${other.token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(viaName).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('listening', () => {
  it('refuses a non-loopback address without --listen-public', async () => {
    await expect(startDaemon({ listen: { host: '0.0.0.0', port: 0 }, stateDir: path.join(work, 'state3'), downloadDir: work, port: 0 })).rejects.toThrow(/--listen-public/);
  });

  it('refuses a second daemon on the same state folder', async () => {
    await expect(startDaemon({ listen: { host: '127.0.0.1', port: 0 }, stateDir: path.join(work, 'state'), downloadDir: work, port: 0 })).rejects.toThrow(/in use by another daemon/);
  });
});

describe('the web UI page', () => {
  it('is served at / without a token, with a strict content security policy', async () => {
    const answer = await raw('GET', '/', { host: 'localhost' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(answer.headers['x-frame-options']).toBe('DENY');
  });

  it('answers unknown pages with 404 in the error shape', async () => {
    const answer = await raw('GET', '/nope', { host: 'localhost' });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error.code).toBe('NOT_FOUND');
  });
});
