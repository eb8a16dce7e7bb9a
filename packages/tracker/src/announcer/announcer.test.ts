import { afterEach, describe, expect, test } from '@jest/globals';
import { TrackerError } from '../errors.js';
import { ManualTimers, settle } from '../testing/manual-timers.js';
import { keepOrder } from '../testing/random.js';
import { ScriptedTransport } from '../testing/scripted-transport.js';
import { thrownCode } from '../testing/thrown.js';
import type { Peer } from '../types.js';
import { Announcer } from './announcer.js';
import type { AnnouncerOptions, AnnouncerWarning, TrackerReport } from './types.js';

const A = 'http://a.example/announce';
const B = 'udp://b.example:1/announce';
const C = 'http://c.example/announce';
const peer = (port: number): Peer => ({ host: '10.0.0.1', port });
const MIN = 60_000;

interface Harness {
  announcer: Announcer;
  transport: ScriptedTransport;
  timers: ManualTimers;
  reports: TrackerReport[];
  warnings: AnnouncerWarning[];
  errors: TrackerError[];
  peers: Peer[][];
  stats: { uploaded: number; downloaded: number; left: number };
}

const running: Announcer[] = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop({ timeoutMs: 0 });
});

function harness(tiers: string[][], transport = new ScriptedTransport(), options: Partial<AnnouncerOptions> = {}): Harness {
  const timers = new ManualTimers();
  const stats = { uploaded: 0, downloaded: 0, left: 1000 };
  const announcer = new Announcer({
    infoHash: new Uint8Array(20).fill(1),
    peerId: new Uint8Array(20).fill(2),
    port: 6881,
    tiers,
    stats: () => stats,
    httpClient: transport,
    udpClient: transport,
    timers,
    random: keepOrder,
    trackerTimeoutMs: 10_000,
    ...options,
  });
  running.push(announcer);
  const h: Harness = { announcer, transport, timers, reports: [], warnings: [], errors: [], peers: [], stats };
  announcer.on('announce', (r) => h.reports.push(r));
  announcer.on('warning', (w) => h.warnings.push(w));
  announcer.on('error', (e) => h.errors.push(e));
  announcer.on('peers', (p) => h.peers.push([...p]));
  return h;
}

describe('Announcer: the regular cycle', () => {
  test('start() sends started, emits peers deduplicated, then re-announces on the interval', async () => {
    const transport = new ScriptedTransport().script(A, { ok: true, interval: 900, peers: [peer(1), peer(2), peer(1)] });
    const h = harness([[A]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    expect(transport.events()).toEqual([`${A} started`]);
    expect(h.peers).toEqual([[peer(1), peer(2)]]);
    expect(h.reports).toMatchObject([{ url: A, tier: 0, event: 'started', status: 'answered' }]);
    expect(h.timers.pending()).toEqual([900_000]);

    h.stats.downloaded = 500;
    h.stats.left = 500;
    await h.timers.advance(900_000);
    expect(transport.events()).toEqual([`${A} started`, `${A} none`]);
    expect(transport.seen[1]!.request).toMatchObject({ downloaded: 500, left: 500, uploaded: 0 });
    // The fallback answer has interval 1800.
    expect(h.timers.pending()).toEqual([1_800_000]);
  });

  test('a missing interval uses the default, and interval 0 is raised to the floor', async () => {
    const transport = new ScriptedTransport().script(A, { ok: true, peers: [] }, { ok: true, interval: 0, peers: [] });
    const h = harness([[A]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    expect(h.timers.pending()).toEqual([1_800_000]);
    await h.timers.runNext();
    expect(h.timers.pending()).toEqual([MIN]);
  });

  test('min interval holds back announceNow(), which then goes out as soon as allowed', async () => {
    const transport = new ScriptedTransport().script(A, { ok: true, interval: 1800, minInterval: 300, peers: [] });
    const h = harness([[A]], transport);
    h.announcer.start();
    await h.timers.advance(100_000);
    h.announcer.announceNow();
    expect(h.timers.pending()).toEqual([200_000]);
    await h.timers.advance(200_000);
    expect(transport.events()).toEqual([`${A} started`, `${A} none`]);
  });

  test('echoes the tracker id a tracker gave', async () => {
    const id = Uint8Array.from([9, 9]);
    const transport = new ScriptedTransport().script(A, { ok: true, interval: 60, peers: [], trackerId: id });
    const h = harness([[A]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    await h.timers.runNext();
    expect(transport.seen[0]!.request.trackerId).toBeUndefined();
    expect(transport.seen[1]!.request.trackerId).toEqual(id);
  });

  test("a tracker's warning message is passed on as a warning", async () => {
    const h = harness([[A]], new ScriptedTransport().script(A, { ok: true, interval: 60, peers: [], warning: 'upgrade your client' }));
    h.announcer.start();
    await h.timers.advance(0);
    expect(h.warnings).toEqual([{ url: A, message: 'tracker warning: upgrade your client' }]);
  });
});

describe('Announcer: BEP 12 tiers', () => {
  test('falls through a refusing tracker to the next, and moves the answering one to the front', async () => {
    const transport = new ScriptedTransport().script(A, { ok: false, reason: 'unregistered torrent' });
    const h = harness([[A, B], [C]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    expect(transport.events()).toEqual([`${A} started`, `${B} started`]);
    expect(h.warnings).toEqual([{ url: A, message: 'tracker refused: unregistered torrent' }]);
    expect(h.announcer.tiers).toEqual([[B, A], [C]]);
    await h.timers.runNext();
    expect(transport.events().slice(2)).toEqual([`${B} none`]);
  });

  test('falls through to the next tier when a whole tier fails, and sends started to each new tracker', async () => {
    const down = new TrackerError('NETWORK', 'refused');
    const transport = new ScriptedTransport().script(A, down).script(B, down).script(C, { ok: true, interval: 60, peers: [] });
    const h = harness([[A, B], [C]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    expect(transport.events()).toEqual([`${A} started`, `${B} started`, `${C} started`]);
    expect(h.warnings.map((w) => w.error?.code)).toEqual(['NETWORK', 'NETWORK']);
    // Each round starts again at the first tier; A answers now and, never having heard from us
    // before, gets `started`.
    await h.timers.runNext();
    expect(transport.events().slice(3)).toEqual([`${A} started`]);
  });

  test('a tracker that hangs is given up after trackerTimeoutMs and the next one is tried', async () => {
    const transport = new ScriptedTransport().script(A, 'hang');
    const h = harness([[A, C]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    expect(transport.events()).toEqual([`${A} started`]);
    await h.timers.advance(10_000);
    expect(transport.events()).toEqual([`${A} started`, `${C} started`]);
    expect(h.warnings[0]).toMatchObject({ url: A, error: { code: 'TIMEOUT' } });
  });

  test('when every tracker fails: one error per round, retries back off exponentially, success resets it', async () => {
    const down = new TrackerError('TIMEOUT', 'no answer');
    const transport = new ScriptedTransport(down).script(C, down, down, down, { ok: true, interval: 600, peers: [] });
    const h = harness([[A], [C]], transport, { retryBaseMs: 30_000 });
    h.announcer.start();
    await h.timers.advance(0);
    expect(h.errors.map((e) => e.code)).toEqual(['ALL_TRACKERS_FAILED']);
    expect(h.errors[0]!.cause).toBe(down);
    const delays = [h.timers.pending()[0]];
    await h.timers.runNext();
    delays.push(h.timers.pending()[0]);
    await h.timers.runNext();
    delays.push(h.timers.pending()[0]);
    expect(delays).toEqual([30_000, 60_000, 120_000]);
    await h.timers.runNext();
    expect(h.errors).toHaveLength(3);
    expect(h.timers.pending()).toEqual([600_000]);
  });

  test('without an error listener, failing rounds do not throw', async () => {
    const timers = new ManualTimers();
    const announcer = new Announcer({
      infoHash: new Uint8Array(20),
      peerId: new Uint8Array(20),
      port: 1,
      tiers: [[A]],
      stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }),
      httpClient: new ScriptedTransport(new TrackerError('NETWORK', 'down')),
      timers,
    });
    running.push(announcer);
    const reports: TrackerReport[] = [];
    announcer.on('announce', (r) => reports.push(r));
    announcer.start();
    await timers.advance(0);
    await timers.runNext();
    expect(reports.map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  test('unsupported URLs are warned about once and skipped; none usable is an error', async () => {
    const h = harness([['wss://w.example/announce'], [A]]);
    h.announcer.start();
    await h.timers.advance(0);
    expect(h.warnings.map((w) => w.url)).toEqual(['wss://w.example/announce']);
    expect(h.transport.events()).toEqual([`${A} started`]);

    const none = harness([['wss://w.example/announce']]);
    none.announcer.start();
    await none.timers.advance(0);
    expect(none.errors.map((e) => e.code)).toEqual(['ALL_TRACKERS_FAILED']);
    expect(none.timers.pending()).toEqual([]);
  });
});

describe('Announcer: completed and stopped', () => {
  test('completed() sends completed at once, once, and then regular announces', async () => {
    const h = harness([[A]]);
    h.announcer.start();
    await h.timers.advance(1000);
    h.stats.left = 0;
    h.announcer.completed();
    h.announcer.completed();
    await h.timers.advance(0);
    expect(h.transport.events()).toEqual([`${A} started`, `${A} completed`]);
    expect(h.transport.seen[1]!.request.left).toBe(0);
    h.announcer.completed();
    await h.timers.runNext();
    expect(h.transport.events().slice(2)).toEqual([`${A} none`]);
  });

  test('completed() while started is in flight goes out right after it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transport = new ScriptedTransport();
    const slow = {
      announce: async (...args: Parameters<ScriptedTransport['announce']>) => {
        await gate;
        return await transport.announce(...args);
      },
      scrape: transport.scrape.bind(transport),
    };
    const h = harness([[A]], transport, { httpClient: slow });
    h.announcer.start();
    await h.timers.advance(0);
    h.announcer.completed();
    release();
    await settle();
    await h.timers.advance(0);
    expect(transport.events()).toEqual([`${A} started`, `${A} completed`]);
  });

  test('stop() sends stopped to every tracker that knows us and then nothing more', async () => {
    const down = new TrackerError('NETWORK', 'down');
    // A answers once, then fails; B takes over; both have us listed.
    const transport = new ScriptedTransport().script(A, { ok: true, interval: 60, peers: [] }, down);
    const h = harness([[A, B]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    await h.timers.runNext();
    expect(transport.events()).toEqual([`${A} started`, `${A} none`, `${B} started`]);
    await h.announcer.stop();
    expect(transport.events().slice(3).sort()).toEqual([`${A} stopped`, `${B} stopped`]);
    expect(transport.seen.at(-1)!.request.numWant).toBe(0);
    expect(h.timers.pending()).toEqual([]);
    h.announcer.start();
    h.announcer.announceNow();
    await h.timers.advance(3_600_000);
    expect(transport.seen).toHaveLength(5);
  });

  test('stop() waits at most timeoutMs for a tracker that does not answer, and reports it', async () => {
    const transport = new ScriptedTransport().script(A, { ok: true, interval: 60, peers: [] }, 'hang');
    const h = harness([[A]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    let stopped = false;
    const stopping = h.announcer.stop({ timeoutMs: 2000 }).then(() => (stopped = true));
    await h.timers.advance(1999);
    expect(stopped).toBe(false);
    await h.timers.advance(1);
    await stopping;
    expect(h.warnings.at(-1)).toMatchObject({ url: A, error: { code: 'TIMEOUT' } });
  });

  test('stop() during an in-flight started aborts it and still tells that tracker stopped', async () => {
    const transport = new ScriptedTransport().script(A, 'hang');
    const h = harness([[A]], transport);
    h.announcer.start();
    await h.timers.advance(0);
    await h.announcer.stop({ timeoutMs: 1000 });
    expect(transport.events()).toEqual([`${A} started`, `${A} stopped`]);
    // The aborted started is not reported as a failure of the tracker.
    expect(h.reports.map((r) => r.event)).toEqual(['stopped']);
  });

  test('stop() before start() sends nothing', async () => {
    const h = harness([[A]]);
    await h.announcer.stop();
    expect(h.transport.seen).toEqual([]);
  });
});

test('the constructor refuses out-of-range torrent values', () => {
  const base = { infoHash: new Uint8Array(20), peerId: new Uint8Array(20), port: 6881, tiers: [[A]], stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }) };
  expect(thrownCode(() => new Announcer({ ...base, infoHash: new Uint8Array(32) }))).toBe('INVALID_REQUEST');
  expect(thrownCode(() => new Announcer({ ...base, port: 70000 }))).toBe('INVALID_REQUEST');
});

test('the info-hash and peer id are copied: a caller reusing its Buffers does not change what is announced', async () => {
  // Buffer#slice is a view of the same memory, so a copy must not be made with it.
  const infoHash = Buffer.alloc(20, 7);
  const peerId = Buffer.alloc(20, 8);
  const h = harness([[A]], new ScriptedTransport(), { infoHash, peerId });
  infoHash.fill(0);
  peerId.fill(0);
  h.announcer.start();
  await h.timers.advance(0);
  expect(h.transport.seen[0]?.request.infoHash).toEqual(new Uint8Array(20).fill(7));
  expect(h.transport.seen[0]?.request.peerId).toEqual(new Uint8Array(20).fill(8));
});

describe('Announcer: pace and jitter (many torrents in one session)', () => {
  test('each round waits for its pace turn; a stop while waiting sends nothing', async () => {
    const turns: { resolve: () => void; signal: AbortSignal }[] = [];
    const pace = async (signal: AbortSignal): Promise<void> =>
      await new Promise<void>((resolve, reject) => {
        turns.push({ resolve, signal });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    const h = harness([[A]], new ScriptedTransport(), { pace });
    h.announcer.start();
    await h.timers.advance(0);
    expect(turns).toHaveLength(1);
    expect(h.transport.events()).toEqual([]);
    turns[0]!.resolve();
    await settle();
    expect(h.transport.events()).toEqual([`${A} started`]);
    await h.timers.advance(1_800_000);
    expect(turns).toHaveLength(2);
    await h.announcer.stop({ timeoutMs: 1000 });
    expect(turns[1]!.signal.aborted).toBe(true);
    // The waiting re-announce never went; `stopped` (not paced) did.
    expect(h.transport.events()).toEqual([`${A} started`, `${A} stopped`]);
  });

  test('intervalJitter takes up to that share off the wait, never under the min interval', async () => {
    const transport = new ScriptedTransport().script(A, { ok: true, interval: 1000, peers: [] }, { ok: true, interval: 1000, minInterval: 950, peers: [] });
    const draws = [0.5, 0.99];
    const h = harness([[A]], transport, { intervalJitter: 0.1, random: () => draws.shift() ?? 0 });
    h.announcer.start();
    await h.timers.advance(0);
    // 0.5 of 10% off 1000 s.
    expect(h.timers.pending()).toEqual([950_000]);
    await h.timers.advance(950_000);
    // 9.9% off would be 901 s: the tracker's min interval (950 s) is the floor.
    expect(h.timers.pending()).toEqual([950_000]);
  });

  test('an intervalJitter outside [0, 1) is refused', () => {
    expect(thrownCode(() => harness([[A]], new ScriptedTransport(), { intervalJitter: 1 }))).toBe('INVALID_REQUEST');
  });
});
