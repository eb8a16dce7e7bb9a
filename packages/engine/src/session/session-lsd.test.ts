import { describe, expect, it } from '@jest/globals';
import { decodeLsdAnnounce, encodeLsdAnnounce } from '../lsd/lsd-message.js';
import type { LsdDatagram, LsdTransport } from '../lsd/lsd-socket.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Endpoint } from '../torrent/types.js';
import { LSD_INTERVAL_MS, LSD_MIN_INTERVAL_MS, SessionLsd } from './session-lsd.js';

const A = new Uint8Array(20).fill(0xaa);
const B = new Uint8Array(20).fill(0xbb);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function setup(families: readonly (4 | 6)[] = [4]) {
  const clock = new ManualClock();
  const sent: { text: string; family: 4 | 6 }[] = [];
  let receive: (datagram: LsdDatagram) => void = () => undefined;
  let closed = false;
  const transport: LsdTransport = {
    families,
    send: (bytes, family) => sent.push({ text: new TextDecoder().decode(bytes), family }),
    close: async () => {
      closed = true;
    },
  };
  const lsd = new SessionLsd({}, {
    clock,
    warn: (warning) => {
      throw warning;
    },
    cookie: 'ours',
    open: async (onDatagram) => {
      receive = onDatagram;
      return transport;
    },
  });
  await lsd.start(6881);
  const announcesOf = (bytes: Uint8Array): number => sent.filter((s) => decodeLsdAnnounce(new TextEncoder().encode(s.text)).infoHashes.includes(hex(bytes))).length;
  return { clock, sent, lsd, announcesOf, hear: (datagram: LsdDatagram) => receive(datagram), isClosed: () => closed };
}

describe('SessionLsd', () => {
  it('announces a joined torrent at once with our port and cookie, on every family, then every 5 minutes', async () => {
    const { clock, sent, lsd, announcesOf } = await setup([4, 6]);
    lsd.join(A, () => undefined);
    clock.advance(0);
    expect(sent.map((s) => s.family)).toEqual([4, 6]);
    expect(decodeLsdAnnounce(new TextEncoder().encode(sent[0]!.text))).toEqual({ port: 6881, infoHashes: [hex(A)], cookie: 'ours' });
    expect(sent[1]!.text).toContain('Host: [ff15::efc0:988f]:6771');
    clock.advance(LSD_INTERVAL_MS - 1);
    expect(announcesOf(A)).toBe(2);
    clock.advance(1);
    expect(announcesOf(A)).toBe(4);
  });

  it('never announces a torrent twice within a minute, even when it leaves and joins again', async () => {
    const { clock, lsd, announcesOf } = await setup();
    const leave = lsd.join(A, () => undefined);
    clock.advance(0);
    leave();
    clock.advance(10_000);
    lsd.join(A, () => undefined);
    clock.advance(LSD_MIN_INTERVAL_MS - 10_001);
    expect(announcesOf(A)).toBe(1);
    clock.advance(1);
    expect(announcesOf(A)).toBe(2);
  });

  it('stops announcing a torrent that left', async () => {
    const { clock, lsd, announcesOf } = await setup();
    const leave = lsd.join(A, () => undefined);
    lsd.join(B, () => undefined);
    clock.advance(0);
    leave();
    clock.advance(3 * LSD_INTERVAL_MS);
    expect(announcesOf(A)).toBe(1);
    expect(announcesOf(B)).toBe(4);
  });

  it('hands the announcing peer (source address, announced port) to the torrent it names only', async () => {
    const { lsd, hear } = await setup();
    const foundA: Endpoint[] = [];
    const foundB: Endpoint[] = [];
    lsd.join(A, (peers) => foundA.push(...peers));
    lsd.join(B, (peers) => foundB.push(...peers));
    hear({ host: '192.168.1.7', bytes: encodeLsdAnnounce({ port: 51413, infoHashes: [hex(A)], cookie: 'theirs' }, 4) });
    expect(foundA).toEqual([{ host: '192.168.1.7', port: 51413 }]);
    expect(foundB).toEqual([]);
  });

  it('ignores its own announces, malformed datagrams, unspecified sources and torrents it does not have', async () => {
    const { lsd, hear } = await setup();
    const found: Endpoint[] = [];
    const leave = lsd.join(A, (peers) => found.push(...peers));
    hear({ host: '127.0.0.1', bytes: encodeLsdAnnounce({ port: 6881, infoHashes: [hex(A)], cookie: 'ours' }, 4) });
    hear({ host: '127.0.0.1', bytes: new TextEncoder().encode('BT-SEARCH * HTTP/1.1\r\nPort: 99999\r\n\r\n') });
    hear({ host: '127.0.0.1', bytes: encodeLsdAnnounce({ port: 7000, infoHashes: [hex(B)], cookie: 'x' }, 4) });
    hear({ host: '0.0.0.0', bytes: encodeLsdAnnounce({ port: 7000, infoHashes: [hex(A)], cookie: 'x' }, 4) });
    leave();
    hear({ host: '127.0.0.1', bytes: encodeLsdAnnounce({ port: 7000, infoHashes: [hex(A)], cookie: 'x' }, 4) });
    expect(found).toEqual([]);
  });

  it('close() stops every announce, closes the sockets and ignores later joins', async () => {
    const { clock, lsd, sent, isClosed } = await setup();
    lsd.join(A, () => undefined);
    await lsd.close();
    lsd.join(B, () => undefined);
    clock.advance(LSD_INTERVAL_MS);
    expect(sent).toEqual([]);
    expect(isClosed()).toBe(true);
  });

  it('a session whose sockets do not open warns once and runs on without LSD', async () => {
    const warnings: string[] = [];
    const lsd = new SessionLsd({}, {
      clock: new ManualClock(),
      warn: (warning) => warnings.push(warning.message),
      open: async () => {
        throw new Error('EADDRINUSE');
      },
    });
    await lsd.start(6881);
    lsd.join(A, () => undefined);
    expect(warnings).toEqual(['local service discovery could not start: EADDRINUSE']);
    await lsd.close();
  });
});
