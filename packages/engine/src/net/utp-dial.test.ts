import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import type { UtpSocket } from '@typetorrent/utp';
import { ManualClock } from '../testing/manual-clock.js';
import { BoundedKeys } from './bounded-keys.js';
import type { PeerSocket } from './peer-socket.js';
import type { ConnectOptions, SocketFactory } from './socket-factory.js';
import { utpFirstFactory, type UdpFamily } from './utp-dial.js';

interface Pending<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function pending<T>(): Pending<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A uTP socket and a TCP factory whose connects the test settles by hand. */
function rig(options: { tcp?: boolean; families?: readonly UdpFamily[] } = {}) {
  const clock = new ManualClock();
  const utpDials: { family: UdpFamily; host: string; signal: AbortSignal | undefined; result: Pending<PeerSocket> }[] = [];
  const tcpDials: { options: ConnectOptions; result: Pending<PeerSocket> }[] = [];
  const socketOf = (family: UdpFamily): UtpSocket =>
    ({
      async dial(_port: number, host: string, dialOptions: { signal?: AbortSignal } = {}): Promise<PeerSocket> {
        const result = pending<PeerSocket>();
        utpDials.push({ family, host, signal: dialOptions.signal, result });
        return await result.promise;
      },
    }) as unknown as UtpSocket;
  const sockets = new Map((options.families ?? [4, 6]).map((family) => [family, socketOf(family)]));
  const tcp: SocketFactory = async (connect) => {
    const result = pending<PeerSocket>();
    tcpDials.push({ options: connect, result });
    return await result.promise;
  };
  const tcpPeers = new BoundedKeys(16);
  const factory = utpFirstFactory({ clock, utp: (family) => sockets.get(family), tcp: options.tcp === false ? undefined : tcp, headStartMs: 1000, tcpPeers });
  return { clock, utpDials, tcpDials, factory, tcpPeers };
}

const settle = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve));
const peer = { host: '10.0.0.2', port: 6881 };

describe('uTP first, TCP after a head start', () => {
  it('keeps a uTP connection that comes within its head start and never opens TCP', async () => {
    const { utpDials, tcpDials, factory } = rig();
    const dialing = factory(peer);
    await settle();
    const stream = new PassThrough();
    utpDials[0]!.result.resolve(stream);
    expect(await dialing).toBe(stream);
    expect(tcpDials).toHaveLength(0);
  });

  it('starts TCP beside a silent uTP once the head start is over, keeps the winner and remembers the peer', async () => {
    const { clock, utpDials, tcpDials, factory, tcpPeers } = rig();
    const dialing = factory(peer);
    await settle();
    clock.advance(999);
    expect(tcpDials).toHaveLength(0);
    clock.advance(1);
    expect(tcpDials).toHaveLength(1);
    const socket = new PassThrough();
    tcpDials[0]!.result.resolve(socket);
    expect(await dialing).toBe(socket);
    expect(utpDials[0]!.signal?.aborted).toBe(true); // the uTP attempt is given up
    expect(tcpPeers.has('10.0.0.2:6881')).toBe(true);
    // Next time straight to TCP.
    const again = factory(peer);
    await settle();
    expect(utpDials).toHaveLength(1);
    const second = new PassThrough();
    tcpDials[1]!.result.resolve(second);
    expect(await again).toBe(second);
  });

  it('goes to TCP at once when uTP is refused', async () => {
    const { utpDials, tcpDials, factory } = rig();
    const dialing = factory(peer);
    await settle();
    utpDials[0]!.result.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    await settle();
    expect(tcpDials).toHaveLength(1);
    const socket = new PassThrough();
    tcpDials[0]!.result.resolve(socket);
    expect(await dialing).toBe(socket);
  });

  it('closes a uTP stream that connects after TCP won', async () => {
    const { clock, utpDials, tcpDials, factory } = rig();
    const dialing = factory(peer);
    await settle();
    clock.advance(1000);
    tcpDials[0]!.result.resolve(new PassThrough());
    await dialing;
    const late = new PassThrough();
    utpDials[0]!.result.resolve(late);
    await settle();
    expect(late.destroyed).toBe(true);
  });

  it('fails with CONNECT_FAILED naming both transports when neither connects', async () => {
    const { utpDials, tcpDials, factory } = rig();
    const dialing = factory(peer);
    await settle();
    utpDials[0]!.result.reject(new Error('utp timed out'));
    await settle();
    tcpDials[0]!.result.reject(new Error('tcp refused'));
    await expect(dialing).rejects.toMatchObject({ code: 'CONNECT_FAILED', message: expect.stringMatching(/utp timed out.*tcp refused/) });
  });

  it('without TCP dials uTP only, and refuses peers uTP cannot reach (IPv6 without an IPv6 socket)', async () => {
    const { utpDials, tcpDials, factory, clock } = rig({ tcp: false, families: [4] });
    const dialing = factory(peer);
    await settle();
    clock.advance(5000);
    utpDials[0]!.result.reject(new Error('timed out'));
    await expect(dialing).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    await expect(factory({ host: '2001:db8::1', port: 6881 })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(tcpDials).toHaveLength(0);
  });

  it('dials each peer over the socket of its address family, an IPv4-mapped address over IPv4 in its IPv4 form', async () => {
    const { utpDials, factory } = rig({ tcp: false });
    void factory({ host: '::1', port: 6881 }).catch(() => undefined);
    void factory({ host: '::ffff:127.0.0.1', port: 6881 }).catch(() => undefined);
    void factory({ host: '127.0.0.1', port: 6881 }).catch(() => undefined);
    await settle();
    expect(utpDials.map(({ family, host }) => ({ family, host }))).toEqual([
      { family: 6, host: '::1' },
      { family: 4, host: '127.0.0.1' },
      { family: 4, host: '127.0.0.1' },
    ]);
    for (const dial of utpDials) dial.result.reject(new Error('test over'));
  });

  it('dials an IPv6 peer over TCP at once when there is no IPv6 socket', async () => {
    const { utpDials, tcpDials, factory } = rig({ families: [4] });
    const dialing = factory({ host: '2001:db8::1', port: 6881 });
    await settle();
    expect(utpDials).toHaveLength(0);
    expect(tcpDials.map((d) => d.options.host)).toEqual(['2001:db8::1']);
    const socket = new PassThrough();
    tcpDials[0]!.result.resolve(socket);
    expect(await dialing).toBe(socket);
  });
});
