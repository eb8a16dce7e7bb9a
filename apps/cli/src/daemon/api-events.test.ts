// GET /api/v1/events: `hello` with the list, then `added`, `state` and `removed` as they happen.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { startTestDaemon, type TestDaemon } from '../testing/daemon-fixtures.js';
import type { ServerEvent } from './api-client.js';

let work = '';
let t: TestDaemon;
const HASH = '1234512345123451234512345123451234512345';

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-events-');
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'));
});

afterAll(async () => {
  await t.daemon.close();
  await removeTempDir(work);
});

describe('the event stream', () => {
  it('says hello with the list, then tells of an add, a state change and a removal', async () => {
    const controller = new AbortController();
    const events = t.client.events(controller.signal);
    const next = async (): Promise<ServerEvent> => (await events.next()).value as ServerEvent;
    try {
      expect(await next()).toEqual({ event: 'hello', data: { torrents: [] } });
      await t.client.request('POST', '/api/v1/torrents', { magnet: `magnet:?xt=urn:btih:${HASH}&dn=e`, paused: true });
      expect(await next()).toMatchObject({ event: 'added', data: { torrent: { infoHash: HASH, state: 'paused' } } });
      await t.client.request('POST', `/api/v1/torrents/${HASH}/resume`);
      // No peers anywhere: the magnet waits for its metadata.
      let event = await next();
      while (event.event === 'progress') event = await next();
      expect(event).toMatchObject({ event: 'state', data: { infoHash: HASH, state: 'fetching-metadata', previous: 'stopped' } });
      await t.client.request('DELETE', `/api/v1/torrents/${HASH}`);
      do event = await next();
      while (event.event !== 'removed');
      expect(event).toEqual({ event: 'removed', data: { infoHash: HASH } });
    } finally {
      controller.abort();
    }
  });

  it('needs the token like every other endpoint', async () => {
    const answer = await fetch(`${t.daemon.url}/api/v1/events`);
    expect(answer.status).toBe(401);
    await answer.arrayBuffer();
  });
});
