import { expect, test } from '@jest/globals';
import { rejectedWith } from './testing/thrown.js';
import { TrackerClient } from './tracker-client.js';
import type { AnnounceRequest, AnnounceResult, ScrapeResult, TrackerTransport } from './types.js';

const request: AnnounceRequest = { infoHash: new Uint8Array(20), peerId: new Uint8Array(20), port: 1, uploaded: 0, downloaded: 0, left: 0, event: 'none' };

/** A transport that records the URLs it was given and answers with its own name. */
function recording(name: string, calls: string[]): TrackerTransport {
  return {
    announce: async (url): Promise<AnnounceResult> => {
      calls.push(`${name} announce ${url}`);
      return { ok: false, reason: name };
    },
    scrape: async (url): Promise<ScrapeResult> => {
      calls.push(`${name} scrape ${url}`);
      return { ok: false, reason: name };
    },
  };
}

test('picks the HTTP client for http and https URLs and the UDP client for udp URLs', async () => {
  const calls: string[] = [];
  const client = new TrackerClient({ http: recording('http', calls), udp: recording('udp', calls) });
  await client.announce('http://a.example/announce', request);
  await client.announce('https://b.example/announce', request);
  await client.scrape('udp://c.example:1/announce', [request.infoHash]);
  expect(calls).toEqual(['http announce http://a.example/announce', 'http announce https://b.example/announce', 'udp scrape udp://c.example:1/announce']);
});

test('refuses other schemes with UNSUPPORTED_PROTOCOL', async () => {
  const calls: string[] = [];
  const client = new TrackerClient({ http: recording('http', calls), udp: recording('udp', calls) });
  expect((await rejectedWith(client.announce('wss://tracker.example/announce', request))).code).toBe('UNSUPPORTED_PROTOCOL');
  expect(calls).toEqual([]);
});
