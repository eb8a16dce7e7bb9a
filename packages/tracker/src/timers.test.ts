import { afterEach, describe, expect, test } from '@jest/globals';
import { Announcer } from './announcer/announcer.js';
import { keepOrder } from './testing/random.js';
import { ScriptedTransport } from './testing/scripted-transport.js';
import { systemTimers, type Cancel } from './timers.js';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const cancels: Cancel[] = [];
afterEach(() => {
  for (const cancel of cancels.splice(0)) cancel();
});

describe('systemTimers', () => {
  test('a delay beyond what Node can hold (2^31 - 1 ms, about 24.8 days) waits instead of firing at once', async () => {
    let fired = 0;
    cancels.push(systemTimers.setTimeout(() => fired++, 2 ** 31));
    cancels.push(systemTimers.setTimeout(() => fired++, 1e15));
    await wait(30);
    expect(fired).toBe(0);
  });

  test('ordinary delays still fire, and cancelling prevents the callback', async () => {
    const fired: string[] = [];
    systemTimers.setTimeout(() => fired.push('short'), 1);
    const cancel = systemTimers.setTimeout(() => fired.push('cancelled'), 5);
    cancel();
    await wait(30);
    expect(fired).toEqual(['short']);
  });
});

describe('Announcer on the system clock', () => {
  test('a tracker asking for an enormous interval is not re-announced to in a tight loop', async () => {
    // 30 days in seconds: times 1000 it is past Node's timer limit, which Node turns into 1 ms.
    const transport = new ScriptedTransport({ ok: true, interval: 30 * 86_400, peers: [] });
    const announcer = new Announcer({
      infoHash: new Uint8Array(20).fill(1),
      peerId: new Uint8Array(20).fill(2),
      port: 6881,
      tiers: [['http://a.example/announce']],
      stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }),
      httpClient: transport,
      udpClient: transport,
      random: keepOrder,
    });
    announcer.start();
    await wait(100);
    await announcer.stop({ timeoutMs: 1000 });
    expect(transport.events()).toEqual(['http://a.example/announce started', 'http://a.example/announce stopped']);
  });
});
