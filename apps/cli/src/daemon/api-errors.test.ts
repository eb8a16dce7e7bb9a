// Bad input gets a 4xx with the one error shape, never a crash or a half-added torrent.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTorrent } from '@typetorrent/metainfo';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { startTestDaemon, type TestDaemon } from '../testing/daemon-fixtures.js';

let work = '';
let t: TestDaemon;
const UNKNOWN = '0123456789abcdef0123456789abcdef01234567';

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-errors-');
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'), { bodyLimit: 4096 });
});

afterAll(async () => {
  await t.daemon.close();
  await removeTempDir(work);
});

async function expectError(answer: Promise<{ status: number; body: unknown }>, status: number, code: string): Promise<void> {
  const { status: got, body } = await answer;
  expect({ got, body }).toEqual({ got: status, body: { error: { code, message: expect.any(String), ...((body as { error: { field?: string } }).error.field === undefined ? {} : { field: expect.any(String) }) } } });
}

describe('bad requests', () => {
  it('malformed JSON: 400 INVALID_JSON', async () => {
    await expectError(t.client.request('POST', '/api/v1/torrents', '{"magnet": '), 400, 'INVALID_JSON');
  });

  it('an invalid torrent or magnet: 400 INVALID_TORRENT', async () => {
    await expectError(t.client.request('POST', '/api/v1/torrents', { torrent: Buffer.from('d4:infod6:lengthi-1eee').toString('base64') }), 400, 'INVALID_TORRENT');
    await expectError(t.client.request('POST', '/api/v1/torrents', { torrent: Buffer.from('not bencode').toString('base64') }), 400, 'INVALID_TORRENT');
    await expectError(t.client.request('POST', '/api/v1/torrents', { magnet: 'magnet:?xt=urn:btih:zzzz' }), 400, 'INVALID_TORRENT');
  });

  it('an unknown info-hash: 404, and a malformed one is no endpoint', async () => {
    await expectError(t.client.request('GET', `/api/v1/torrents/${UNKNOWN}`), 404, 'NOT_FOUND');
    await expectError(t.client.request('GET', `/api/v1/torrents/${UNKNOWN}/files`), 404, 'NOT_FOUND');
    await expectError(t.client.request('PUT', `/api/v1/torrents/${UNKNOWN}/files`, { priorities: [1] }), 404, 'NOT_FOUND');
    await expectError(t.client.request('GET', '/api/v1/torrents/xyz'), 404, 'NOT_FOUND');
  });

  it('a body over the cap: 413, whether declared or streamed', async () => {
    await expectError(t.client.request('POST', '/api/v1/torrents', { magnet: `magnet:?xt=urn:btih:${UNKNOWN}&dn=${'x'.repeat(5000)}` }), 413, 'PAYLOAD_TOO_LARGE');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 10; i++) yield new Uint8Array(1024).fill(0x20);
    }
    const streamed = await fetch(`${t.daemon.url}/api/v1/torrents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.daemon.token}`, 'content-type': 'application/json' },
      body: chunks() as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a body that is not JSON: 415', async () => {
    await expectError(t.client.request('POST', '/api/v1/torrents', 'magnet=x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a wrong method: 405 with Allow; an unknown endpoint: 404', async () => {
    const answer = await t.client.request('PATCH', '/api/v1/torrents');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
    await expectError(t.client.request('GET', '/api/v1/nothing'), 404, 'NOT_FOUND');
    await expectError(t.client.request('DELETE', `/api/v1/torrents/${UNKNOWN}?deleteData=maybe`), 400, 'BAD_REQUEST');
  });

  it('a bad field: 400 naming it', async () => {
    const answer = await t.client.request<{ error: { field: string } }>('POST', '/api/v1/torrents', { magnet: `magnet:?xt=urn:btih:${UNKNOWN}`, paused: 'yes' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('paused');
    const limits = await t.client.request<{ error: { field: string } }>('PUT', '/api/v1/session', { limits: { upload: 'fast' } });
    expect(limits.status).toBe(400);
    expect(limits.body.error.field).toBe('limits.upload');
  });

  it('left nothing half-added: the list, the state file and the torrents folder are empty', async () => {
    expect((await t.client.request('GET', '/api/v1/torrents')).body).toEqual({ torrents: [] });
    expect(fs.readdirSync(path.join(work, 'state', 'torrents'))).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(work, 'state', 'daemon.json'), 'utf8')).torrents).toEqual([]);
  });

  it('the same torrent added twice at once: one 201, one 409, and the kept one is whole', async () => {
    const data = new Uint8Array(20_000).fill(3);
    const { torrent } = await createTorrent({ kind: 'file', name: 'twice.bin', length: data.length, read: async function* () { yield data; } });
    const body = { torrent: Buffer.from(torrent).toString('base64'), paused: true };
    const answers = await Promise.all([t.client.request('POST', '/api/v1/torrents', body), t.client.request('POST', '/api/v1/torrents', body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(fs.readdirSync(path.join(work, 'state', 'torrents'))).toHaveLength(1);
    const hash = (answers.find((a) => a.status === 201)!.body as { infoHash: string }).infoHash;
    expect((await t.client.request('DELETE', `/api/v1/torrents/${hash}`)).status).toBe(200);
  });

  it('a magnet is added, answered 201 and forgotten on DELETE', async () => {
    const added = await t.client.request<{ infoHash: string; torrent: { state: string; hasMetadata: boolean } }>('POST', '/api/v1/torrents', { magnet: `magnet:?xt=urn:btih:${UNKNOWN.toUpperCase()}&dn=thing&tr=http%3A%2F%2F127.0.0.1%3A1%2Fannounce`, paused: true });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ infoHash: UNKNOWN, torrent: { state: 'paused', hasMetadata: false } });
    expect((await t.client.request('GET', `/api/v1/torrents/${UNKNOWN}/trackers`)).body).toEqual({ trackers: [{ tier: 0, url: 'http://127.0.0.1:1/announce' }] });
    await expectError(t.client.request('PUT', `/api/v1/torrents/${UNKNOWN}/files`, { priorities: [1] }), 409, 'CONFLICT');
    expect((await t.client.request('DELETE', `/api/v1/torrents/${UNKNOWN}`)).status).toBe(200);
  });
});
