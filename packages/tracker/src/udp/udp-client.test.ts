import { afterEach, describe, expect, test } from '@jest/globals';
import { systemTimers, type Timers } from '../timers.js';
import { rejectedWith } from '../testing/thrown.js';
import {
  announceReply,
  connectReply,
  errorReply,
  scrapeReply,
  startFakeUdpTracker,
  wellBehaved,
  type FakeUdpTracker,
  type ReceivedRequest,
  type Reply,
} from '../testing/fake-udp-tracker.js';
import type { AnnounceRequest } from '../types.js';
import { UdpTrackerClient, type DroppedPacket } from './udp-client.js';

const infoHash = new Uint8Array(20).fill(7);
const request: AnnounceRequest = { infoHash, peerId: new Uint8Array(20).fill(9), port: 6881, uploaded: 0, downloaded: 0, left: 100, event: 'started' };
const twoPeers = Uint8Array.from([127, 0, 0, 1, 0x1a, 0xe1, 127, 0, 0, 2, 0x1a, 0xe2]);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function tracker(handle: (request: ReceivedRequest, reply: Reply) => void, family: 4 | 6 = 4): Promise<FakeUdpTracker> {
  const fake = await startFakeUdpTracker(handle, family);
  cleanup.push(() => fake.close());
  return fake;
}

/**
 * BEP 15's schedule with a 500 ms base instead of 15 s: long enough that a loaded machine does not
 * retransmit where a test counts packets; loss tests pass a 10 ms base.
 */
function client(options: { maxRetransmits?: number; retransmitBaseMs?: number; timers?: Timers } = {}): {
  udp: UdpTrackerClient;
  dropped: DroppedPacket[];
} {
  const udp = new UdpTrackerClient({
    retransmitBaseMs: options.retransmitBaseMs ?? 500,
    maxRetransmits: options.maxRetransmits ?? 4,
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const dropped: DroppedPacket[] = [];
  udp.on('dropped', (packet) => dropped.push(packet));
  cleanup.push(() => udp.close());
  return { udp, dropped };
}

describe('UdpTrackerClient announce', () => {
  test('connects, then announces with the connection id, and reads the peers', async () => {
    const fake = await tracker(wellBehaved(twoPeers, 0xabcdefn));
    const { udp } = client();
    const result = await udp.announce(fake.url, request);
    expect(result).toEqual({
      ok: true,
      interval: 1800,
      leechers: 1,
      seeders: 2,
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '127.0.0.2', port: 6882 },
      ],
    });
    expect(fake.received.map((r) => r.action)).toEqual([0, 1]);
    expect(fake.received[0]!.connectionId).toBe(0x41727101980n);
    expect(fake.received[1]!.connectionId).toBe(0xabcdefn);
    expect(fake.received[1]!.bytes.subarray(16, 36)).toEqual(infoHash);
  });

  test('reuses the connection id for 60 s, then connects again', async () => {
    let now = 0;
    const fake = await tracker(wellBehaved());
    const { udp } = client({ timers: { now: () => now, setTimeout: systemTimers.setTimeout } });
    await udp.announce(fake.url, request);
    now += 59_000;
    await udp.announce(fake.url, { ...request, event: 'none' });
    expect(fake.received.map((r) => r.action)).toEqual([0, 1, 1]);
    now += 1_000;
    await udp.announce(fake.url, { ...request, event: 'none' });
    expect(fake.received.map((r) => r.action)).toEqual([0, 1, 1, 0, 1]);
  });

  test('retransmits when packets are lost, with the same transaction id', async () => {
    let connects = 0;
    let announces = 0;
    const fake = await tracker((req, reply) => {
      // Lose the first connect and the first two announces.
      if (req.action === 0 && ++connects === 1) return;
      if (req.action === 1 && ++announces <= 2) return;
      wellBehaved(twoPeers)(req, reply);
    });
    const { udp } = client({ retransmitBaseMs: 10 });
    const result = await udp.announce(fake.url, request);
    expect(result.ok).toBe(true);
    const sent = fake.received.filter((r) => r.action === 1);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sent.map((r) => r.transactionId)).size).toBe(1);
  });

  test('gives up with TIMEOUT after the last retransmission', async () => {
    const fake = await tracker(() => undefined);
    const { udp } = client({ maxRetransmits: 2, retransmitBaseMs: 10 });
    const error = await rejectedWith(udp.announce(fake.url, request));
    expect(error.code).toBe('TIMEOUT');
    expect(error.url).toBe(fake.url);
    expect(fake.received).toHaveLength(3);
  });

  test('drops replies with a wrong transaction id and keeps waiting for the right one', async () => {
    const fake = await tracker((req, reply) => {
      if (req.action === 0) {
        reply(connectReply((req.transactionId + 1) >>> 0, 5n));
        reply(connectReply(req.transactionId, 6n));
      } else {
        reply(announceReply((req.transactionId ^ 0xffff) >>> 0, { interval: 1, leechers: 1, seeders: 1 }));
        reply(announceReply(req.transactionId, { interval: 2, leechers: 0, seeders: 0 }));
      }
    });
    const { udp, dropped } = client();
    const result = await udp.announce(fake.url, request);
    expect(result).toMatchObject({ ok: true, interval: 2 });
    expect(fake.received[1]!.connectionId).toBe(6n);
    expect(dropped.map((d) => d.reason)).toEqual(['unknown-transaction', 'unknown-transaction']);
  });

  test('drops garbage, truncated and wrong-action packets without failing the request', async () => {
    let announces = 0;
    const fake = await tracker((req, reply) => {
      if (req.action === 0) {
        reply(Uint8Array.from([1, 2, 3]));
        reply(connectReply(req.transactionId, 1n).subarray(0, 12));
        reply(connectReply(req.transactionId, 1n));
        return;
      }
      announces++;
      // A connect reply to the announce's id, and a reply whose peer list is cut mid-entry.
      reply(connectReply(req.transactionId, 2n));
      reply(announceReply(req.transactionId, { interval: 1, leechers: 0, seeders: 0 }, Uint8Array.from([1, 2, 3])));
      // The good answer comes only to the retransmission.
      if (announces >= 2) reply(announceReply(req.transactionId, { interval: 3, leechers: 0, seeders: 0 }, twoPeers));
    });
    const { udp, dropped } = client({ retransmitBaseMs: 50 });
    const result = await udp.announce(fake.url, request);
    expect(result).toMatchObject({ ok: true, interval: 3, peers: [{ port: 6881 }, { port: 6882 }] });
    expect(new Set(dropped.map((d) => d.reason))).toEqual(new Set(['short', 'malformed', 'wrong-action']));
  });

  test('drops a reply that comes from another address than the tracker', async () => {
    const spoofer = await startFakeUdpTracker(() => undefined);
    cleanup.push(() => spoofer.close());
    const { default: dgram } = await import('node:dgram');
    const liar = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => liar.bind(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => liar.close(() => resolve())));
    const fake = await tracker((req, reply) => {
      if (req.action === 0) {
        liar.send(connectReply(req.transactionId, 66n), req.from.port, req.from.address);
        // Give the spoofed packet a head start so it is seen first.
        setTimeout(() => reply(connectReply(req.transactionId, 7n)), 5);
      } else {
        reply(announceReply(req.transactionId, { interval: 1, leechers: 0, seeders: 0 }));
      }
    });
    // A slow retransmission base, so the real reply wins over a retransmitted connect.
    const { udp, dropped } = client({ retransmitBaseMs: 1000 });
    expect((await udp.announce(fake.url, request)).ok).toBe(true);
    expect(fake.received.find((r) => r.action === 1)?.connectionId).toBe(7n);
    expect(dropped.map((d) => d.reason)).toEqual(['wrong-source']);
  });

  test('an error packet (action 3) is a failure result, and the connection id is dropped', async () => {
    let failNext = true;
    const fake = await tracker((req, reply) => {
      if (req.action === 1 && failNext) {
        failNext = false;
        reply(errorReply(req.transactionId, 'Connection ID missmatch.'));
        return;
      }
      wellBehaved()(req, reply);
    });
    const { udp } = client();
    expect(await udp.announce(fake.url, request)).toEqual({ ok: false, reason: 'Connection ID missmatch.' });
    expect((await udp.announce(fake.url, request)).ok).toBe(true);
    expect(fake.received.map((r) => r.action)).toEqual([0, 1, 0, 1]);
  });

  test("an 8-byte reply (opentracker's answer for an unknown hash) is a failure result", async () => {
    const fake = await tracker((req, reply) => {
      if (req.action === 0) reply(connectReply(req.transactionId, 1n));
      else reply(Uint8Array.from([0, 0, 0, 1, ...[24, 16, 8, 0].map((s) => (req.transactionId >>> s) & 0xff)]));
    });
    const { udp } = client();
    const result = await udp.announce(fake.url, request);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/does not track/);
  });

  test('reads 18-byte peers from a tracker on an IPv6 socket', async () => {
    const peer6 = new Uint8Array(18);
    peer6[15] = 1;
    peer6[16] = 0x1a;
    peer6[17] = 0xe1;
    const fake = await tracker(wellBehaved(peer6), 6);
    const { udp } = client();
    expect(await udp.announce(fake.url, request)).toMatchObject({ ok: true, peers: [{ host: '::1', port: 6881 }] });
  });

  test('one client serves many torrents and trackers at once, matching replies by transaction id', async () => {
    // Each tracker answers with one peer whose port is the torrent's first hash byte plus a per-tracker offset.
    const answering = (offset: number) => (req: ReceivedRequest, reply: Reply) => {
      if (req.action === 0) reply(connectReply(req.transactionId, 1n));
      else {
        const port = req.bytes[16]! + offset;
        // Reply late and out of order.
        setTimeout(() => reply(announceReply(req.transactionId, { interval: 1, leechers: 0, seeders: 0 }, Uint8Array.from([10, 0, 0, 1, port >> 8, port & 0xff]))), 30 - (port % 30));
      }
    };
    const one = await tracker(answering(1000));
    const two = await tracker(answering(2000));
    const { udp } = client({ retransmitBaseMs: 1000 });
    const jobs = Array.from({ length: 20 }, (_, i) => {
      const fake = i % 2 === 0 ? one : two;
      return udp.announce(fake.url, { ...request, infoHash: new Uint8Array(20).fill(i) }).then((r) => (r.ok ? r.peers[0]?.port : -1));
    });
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 20 }, (_, i) => i + (i % 2 === 0 ? 1000 : 2000)));
  });

  test('the caller can abort, or time out through the signal', async () => {
    const fake = await tracker(() => undefined);
    const { udp } = client({ maxRetransmits: 8, retransmitBaseMs: 10 });
    const controller = new AbortController();
    const pending = udp.announce(fake.url, request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 15);
    expect((await rejectedWith(pending)).code).toBe('ABORTED');
    expect((await rejectedWith(udp.announce(fake.url, request, { signal: AbortSignal.timeout(15) }))).code).toBe('TIMEOUT');
  });

  test('close() fails pending requests with CLOSED and refuses new ones', async () => {
    const fake = await tracker(() => undefined);
    const { udp } = client({ maxRetransmits: 8 });
    const pending = udp.announce(fake.url, request);
    setTimeout(() => void udp.close(), 15);
    expect((await rejectedWith(pending)).code).toBe('CLOSED');
    expect((await rejectedWith(udp.announce(fake.url, request))).code).toBe('CLOSED');
  });

  test('rejects bad requests and URLs before sending anything', async () => {
    const { udp } = client();
    expect((await rejectedWith(udp.announce('udp://127.0.0.1/announce', request))).code).toBe('INVALID_URL');
    expect((await rejectedWith(udp.announce('udp://127.0.0.1:1/', { ...request, port: 0 }))).code).toBe('INVALID_REQUEST');
  });

  test('a host name that does not resolve is a NETWORK error', async () => {
    const udp = new UdpTrackerClient({ lookup: () => Promise.reject(new Error('ENOTFOUND')) });
    cleanup.push(() => udp.close());
    const error = await rejectedWith(udp.announce('udp://tracker.invalid:1/announce', request));
    expect(error.code).toBe('NETWORK');
  });
});

describe('UdpTrackerClient scrape', () => {
  test('matches records to the hashes by position', async () => {
    const fake = await tracker((req, reply) => {
      if (req.action === 0) reply(connectReply(req.transactionId, 1n));
      else reply(scrapeReply(req.transactionId, [[5, 9, 2], [0, 1, 0]]));
    });
    const { udp } = client();
    const other = new Uint8Array(20).fill(0xee);
    const result = await udp.scrape(fake.url, [infoHash, other]);
    expect(result).toEqual({
      ok: true,
      files: [
        { infoHash, infoHashHex: '07'.repeat(20), seeders: 5, completed: 9, leechers: 2 },
        { infoHash: other, infoHashHex: 'ee'.repeat(20), seeders: 0, completed: 1, leechers: 0 },
      ],
    });
    expect(fake.received[1]!.action).toBe(2);
    expect(fake.received[1]!.bytes.length).toBe(56);
  });

  test('the info-hashes in the result are copies, not views of a Buffer the caller reuses', async () => {
    const fake = await tracker((req, reply) => {
      if (req.action === 0) reply(connectReply(req.transactionId, 1n));
      else reply(scrapeReply(req.transactionId, [[1, 2, 3]]));
    });
    const { udp } = client();
    const asked = Buffer.alloc(20, 0x07);
    const result = await udp.scrape(fake.url, [asked]);
    asked.fill(0);
    expect(result.ok && Buffer.isBuffer(result.files[0]?.infoHash)).toBe(false);
    expect(result.ok && result.files[0]?.infoHash).toEqual(infoHash);
  });
});
