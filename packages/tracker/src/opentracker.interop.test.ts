// Interop against a real opentracker (Debian build, whitelist mode) on 127.0.0.1, over HTTP and UDP.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import { describeWithTools, startOpentracker, type Opentracker } from '@typetorrent/testkit';
import { Announcer } from './announcer/announcer.js';
import { toHex } from './codec/bytes.js';
import { HttpTrackerClient } from './http/http-client.js';
import { withoutSelf } from './peers.js';
import type { AnnounceRequest, AnnounceSuccess, ScrapeStats, TrackerTransport } from './types.js';
import { UdpTrackerClient } from './udp/udp-client.js';

/** Distinct info-hashes per test, so tests sharing the tracker never see each other's peers. */
const hash = (n: number): Uint8Array => Uint8Array.from({ length: 20 }, (_, i) => (n * 31 + i * 7) & 0xff);
const HASHES = Array.from({ length: 12 }, (_, n) => hash(n));
const peerId = (n: number): Uint8Array => new TextEncoder().encode(`-TT0001-${String(n).padStart(12, '0')}`);

function request(infoHash: Uint8Array, n: number, change: Partial<AnnounceRequest> = {}): AnnounceRequest {
  return { infoHash, peerId: peerId(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: 1000, event: 'started', numWant: 50, ...change };
}

function success(result: Awaited<ReturnType<TrackerTransport['announce']>>): AnnounceSuccess {
  if (!result.ok) throw new Error(`tracker refused: ${result.reason}`);
  return result;
}

describeWithTools(['opentracker'], 'tracker clients against opentracker', () => {
  let tracker: Opentracker;
  const http = new HttpTrackerClient({ timeoutMs: 5000 });
  // Loopback does not lose packets; a short base only matters if it did.
  const udp = new UdpTrackerClient({ retransmitBaseMs: 250, maxRetransmits: 3 });

  beforeAll(async () => {
    tracker = await startOpentracker({ infoHashes: HASHES.map(toHex) });
  });
  afterAll(async () => {
    await udp.close();
    await tracker?.stop();
  });

  describe.each([
    ['HTTP', 0, () => tracker.httpAnnounceUrl, http],
    ['UDP', 6, () => tracker.udpAnnounceUrl, udp],
  ] as const)('%s', (_name, base, url, client) => {
    const scrapeOne = async (infoHash: Uint8Array): Promise<ScrapeStats | undefined> => {
      const result = await client.scrape(url(), [infoHash]);
      if (!result.ok) throw new Error(result.reason);
      return result.files.find((f) => f.infoHashHex === toHex(infoHash));
    };

    test('announce answers with an interval, counts, and a peer list that includes ourselves', async () => {
      const infoHash = HASHES[base]!;
      const result = success(await client.announce(url(), request(infoHash, 1)));
      expect(result.interval).toBeGreaterThan(0);
      expect(result).toMatchObject({ seeders: 0, leechers: 1 });
      expect(result.peers).toContainEqual({ host: '127.0.0.1', port: 7001 });
      expect(withoutSelf(result.peers, 7001)).toEqual([]);
      await client.announce(url(), request(infoHash, 1, { event: 'stopped' }));
    });

    test('two announcing clients see each other', async () => {
      const infoHash = HASHES[base + 1]!;
      success(await client.announce(url(), request(infoHash, 1)));
      const second = success(await client.announce(url(), request(infoHash, 2)));
      expect(withoutSelf(second.peers, 7002)).toEqual([{ host: '127.0.0.1', port: 7001 }]);
      const first = success(await client.announce(url(), request(infoHash, 1, { event: 'none' })));
      expect(withoutSelf(first.peers, 7001)).toEqual([{ host: '127.0.0.1', port: 7002 }]);
      await client.announce(url(), request(infoHash, 1, { event: 'stopped' }));
      await client.announce(url(), request(infoHash, 2, { event: 'stopped' }));
    });

    test('counts follow the events: started is a leecher, completed a seeder, stopped is gone', async () => {
      const infoHash = HASHES[base + 2]!;
      success(await client.announce(url(), request(infoHash, 1)));
      expect(await scrapeOne(infoHash)).toMatchObject({ seeders: 0, leechers: 1, completed: 0 });
      success(await client.announce(url(), request(infoHash, 1, { event: 'completed', left: 0, downloaded: 1000 })));
      expect(await scrapeOne(infoHash)).toMatchObject({ seeders: 1, leechers: 0, completed: 1 });
      success(await client.announce(url(), request(infoHash, 1, { event: 'stopped', left: 0 })));
      const after = await scrapeOne(infoHash);
      expect(after === undefined ? 0 : after.seeders + after.leechers).toBe(0);
    });

    test('scrape reports several torrents at once', async () => {
      const [x, y] = [HASHES[base + 3]!, HASHES[base + 4]!];
      success(await client.announce(url(), request(x, 1)));
      success(await client.announce(url(), request(y, 1, { left: 0 })));
      success(await client.announce(url(), request(y, 2)));
      const result = await client.scrape(url(), [x, y]);
      expect(result.ok).toBe(true);
      const byHex = new Map((result.ok ? result.files : []).map((f) => [f.infoHashHex, f]));
      expect(byHex.get(toHex(x))).toMatchObject({ seeders: 0, leechers: 1 });
      expect(byHex.get(toHex(y))).toMatchObject({ seeders: 1, leechers: 1 });
      for (const [h, n] of [[x, 1], [y, 1], [y, 2]] as const) await client.announce(url(), request(h, n, { event: 'stopped' }));
    });

    test('an info-hash off the whitelist is refused as a result, not an exception', async () => {
      const result = await client.announce(url(), request(hash(99), 1));
      expect(result.ok).toBe(false);
    });
  });

  test('allow() puts a new info-hash on the whitelist of the running tracker', async () => {
    const infoHash = hash(50);
    expect((await http.announce(tracker.httpAnnounceUrl, request(infoHash, 1))).ok).toBe(false);
    await tracker.allow(toHex(infoHash));
    expect((await udp.announce(tracker.udpAnnounceUrl, request(infoHash, 1))).ok).toBe(true);
    await udp.announce(tracker.udpAnnounceUrl, request(infoHash, 1, { event: 'stopped' }));
  });

  test('an Announcer is seen by another client, counts as a seeder after completed(), and leaves on stop()', async () => {
    const infoHash = HASHES[5]!;
    const stats = { uploaded: 0, downloaded: 0, left: 1000 };
    const announcer = new Announcer({ infoHash, peerId: peerId(3), port: 7003, tiers: [[tracker.udpAnnounceUrl], [tracker.httpAnnounceUrl]], stats: () => stats, udpClient: udp });
    const warnings: string[] = [];
    announcer.on('warning', (w) => warnings.push(w.message));
    const firstPeers = once(announcer, 'peers');
    announcer.start();
    const [peers] = (await firstPeers) as [readonly { host: string; port: number }[], string];
    expect(peers).toContainEqual({ host: '127.0.0.1', port: 7003 });

    const seen = success(await http.announce(tracker.httpAnnounceUrl, request(infoHash, 4)));
    expect(withoutSelf(seen.peers, 7004)).toEqual([{ host: '127.0.0.1', port: 7003 }]);

    const completedReport = once(announcer, 'announce');
    stats.left = 0;
    stats.downloaded = 1000;
    announcer.completed();
    expect((await completedReport)[0]).toMatchObject({ event: 'completed', status: 'answered', result: { ok: true } });
    expect((await http.scrape(tracker.httpAnnounceUrl, [infoHash])).ok && (await http.scrape(tracker.httpAnnounceUrl, [infoHash]))).toMatchObject({
      files: [{ seeders: 1, leechers: 1 }],
    });

    await announcer.stop({ timeoutMs: 2000 });
    await http.announce(tracker.httpAnnounceUrl, request(infoHash, 4, { event: 'stopped' }));
    expect(await http.scrape(tracker.httpAnnounceUrl, [infoHash])).toMatchObject({ ok: true, files: [{ seeders: 0, leechers: 0 }] });
    expect(warnings).toEqual([]);
  });
});
