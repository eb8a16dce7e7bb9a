import { expect, test } from '@jest/globals';
import { TrackerError } from './errors.js';
import { ManualTimers } from './testing/manual-timers.js';
import { ScriptedTransport } from './testing/scripted-transport.js';
import { surveyTrackers, type SurveyOptions } from './survey.js';
import type { ScrapeResult } from './types.js';

const A = 'http://a.example/announce';
const B = 'udp://b.example:1/announce';
const C = 'http://c.example/announce';
const infoHash = new Uint8Array(20).fill(0xab);

function options(client: SurveyOptions['client'], change: Partial<SurveyOptions> = {}): SurveyOptions {
  return { infoHash, peerId: new Uint8Array(20), port: 6881, left: 1, tiers: [[A, B], [C, A]], client, mode: 'announce', timeoutMs: 1000, ...change };
}

test('announces started then stopped to every tracker of every tier, once per URL', async () => {
  const transport = new ScriptedTransport()
    .script(A, { ok: true, interval: 60, peers: [{ host: '10.0.0.1', port: 1 }], trackerId: Uint8Array.from([7]) })
    .script(B, { ok: false, reason: 'unregistered' })
    .script(C, new TrackerError('NETWORK', 'refused'));
  const outcomes = await surveyTrackers(options(transport));
  expect(outcomes.map((o) => [o.url, o.tier, o.status])).toEqual([
    [A, 0, 'announced'],
    [B, 0, 'refused'],
    [C, 1, 'failed'],
  ]);
  expect(transport.events().sort()).toEqual([`${A} started`, `${A} stopped`, `${B} started`, `${C} started`].sort());
  const stopped = transport.seen.find((s) => s.event === 'stopped')!.request;
  expect(stopped).toMatchObject({ numWant: 0, trackerId: Uint8Array.from([7]) });
});

test('a tracker that never answers is given up after timeoutMs, without holding up the others', async () => {
  const timers = new ManualTimers();
  const transport = new ScriptedTransport().script(A, 'hang');
  const pending = surveyTrackers(options(transport, { tiers: [[A], [C]], timers }));
  await timers.advance(1000);
  const outcomes = await pending;
  expect(outcomes.map((o) => o.status)).toEqual(['failed', 'announced']);
  expect(outcomes[0]!.status === 'failed' && outcomes[0]!.error.code).toBe('TIMEOUT');
});

test('a failed stopped is reported beside the answer', async () => {
  const transport = new ScriptedTransport().script(A, { ok: true, peers: [] }, new TrackerError('TIMEOUT', 'slow'));
  const [outcome] = await surveyTrackers(options(transport, { tiers: [[A]] }));
  expect(outcome).toMatchObject({ status: 'announced', stopError: { code: 'TIMEOUT' } });
});

test('unsupported URLs are reported, not asked', async () => {
  const transport = new ScriptedTransport();
  const outcomes = await surveyTrackers(options(transport, { tiers: [['wss://w.example/announce']] }));
  expect(outcomes).toEqual([{ url: 'wss://w.example/announce', tier: 0, status: 'unsupported' }]);
  expect(transport.seen).toEqual([]);
});

test('scrape mode scrapes only, and picks out our torrent', async () => {
  const stats = { infoHash, infoHashHex: 'ab'.repeat(20), seeders: 2, completed: 3, leechers: 4 };
  const transport = new ScriptedTransport();
  transport.scrape = async (): Promise<ScrapeResult> => ({ ok: true, files: [stats] });
  const outcomes = await surveyTrackers(options(transport, { mode: 'scrape', tiers: [[A]] }));
  expect(outcomes).toEqual([{ url: A, tier: 0, status: 'scraped', stats }]);
  expect(transport.seen).toEqual([]);
});
