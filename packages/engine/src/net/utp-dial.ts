// Outgoing connections over uTP first, TCP as the fallback, as libtorrent does: uTP gets a head start
// (a second by default: one SYN and its first retransmission timeout), then TCP starts beside it and
// whichever connects first is kept, the other abandoned. A peer whose uTP lost that race is dialled
// over TCP straight away from then on. Why not both at once from the start (engine README, "uTP"):
// a race opens two connections to every peer and lets jitter pick the transport; a head start lets
// uTP win wherever it works and costs a second only on the first dial of a peer without uTP.
import { isIP } from 'node:net';
import type { UtpSocket } from '@typetorrent/utp';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import type { BoundedKeys } from './bounded-keys.js';
import type { PeerSocket } from './peer-socket.js';
import type { ConnectOptions, SocketFactory } from './socket-factory.js';

/** How long uTP tries alone before TCP joins in. */
export const UTP_HEAD_START_MS = 1000;

/** An IP address family: the session has a UDP socket (and a uTP socket over it) for each. */
export type UdpFamily = 4 | 6;

/** The family of a peer's address; an IPv4-mapped IPv6 address counts as IPv4 (and `address` is its IPv4 form). */
export function udpPeer(host: string): { readonly family: UdpFamily; readonly address: string } | undefined {
  const family = isIP(host);
  if (family === 4) return { family, address: host };
  if (family !== 6) return undefined;
  const mapped = host.toLowerCase().startsWith('::ffff:') ? host.slice(7) : '';
  return isIP(mapped) === 4 ? { family: 4, address: mapped } : { family: 6, address: host };
}

export interface UtpDialOptions {
  readonly clock: Clock;
  /** The session's uTP socket for peers of a family; undefined before the UDP port is bound (or when that family could not be). */
  readonly utp: (family: UdpFamily) => UtpSocket | undefined;
  /** TCP connections; undefined: uTP only (tests). */
  readonly tcp: SocketFactory | undefined;
  readonly headStartMs: number;
  /** Peers whose uTP did not connect in time: dialled over TCP at once. */
  readonly tcpPeers: BoundedKeys;
}

/** A SocketFactory that tries uTP first, over the session's UDP socket of the peer's address family. */
export function utpFirstFactory(options: UtpDialOptions): SocketFactory {
  return async (connect) => {
    const peer = udpPeer(connect.host);
    const utp = peer === undefined ? undefined : options.utp(peer.family);
    const key = `${connect.host}:${connect.port}`;
    const tcp = options.tcp;
    if (peer === undefined || utp === undefined || (tcp !== undefined && options.tcpPeers.has(key))) {
      if (tcp === undefined) throw new EngineError('CONNECT_FAILED', `cannot reach ${key} over uTP, and TCP is off`, { peer: key });
      return await tcp(connect);
    }
    const viaUtp = { ...connect, host: peer.address };
    if (tcp === undefined) return await dialUtp(utp, viaUtp);
    return await utpThenTcp(options, utp, tcp, connect, viaUtp, key);
  };
}

/** One uTP connect; failures are CONNECT_FAILED. */
async function dialUtp(utp: UtpSocket, { host, port, signal }: ConnectOptions): Promise<PeerSocket> {
  try {
    const stream = await utp.dial(port, host, signal === undefined ? {} : { signal });
    stream.on('error', () => undefined); // from here on reported through the handshake or the PeerConnection
    return stream;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new EngineError('CONNECT_FAILED', `uTP connect to ${host}:${port}: ${message}`, { peer: `${host}:${port}`, cause: error });
  }
}

/** `viaUtp` is `connect` with an IPv4-mapped address in its IPv4 form (the IPv4 socket dials it). */
async function utpThenTcp(options: UtpDialOptions, utp: UtpSocket, tcp: SocketFactory, connect: ConnectOptions, viaUtp: ConnectOptions, key: string): Promise<PeerSocket> {
  const parent = connect.signal;
  const attempt = (controller: AbortController, target: ConnectOptions): ConnectOptions => ({
    host: target.host,
    port: target.port,
    signal: parent === undefined ? controller.signal : AbortSignal.any([parent, controller.signal]),
  });
  const utpAbort = new AbortController();
  const tcpAbort = new AbortController();
  return await new Promise<PeerSocket>((resolve, reject) => {
    let settled = false;
    let tcpStarted = false;
    let failed: EngineError | undefined;
    const cancelHeadStart = options.clock.setTimeout(() => startTcp(), options.headStartMs);
    const done = (): void => {
      settled = true;
      cancelHeadStart();
      utpAbort.abort(new EngineError('CLOSED', 'the other transport connected'));
      tcpAbort.abort(new EngineError('CLOSED', 'the other transport connected'));
    };
    const won = (socket: PeerSocket, transport: 'utp' | 'tcp'): void => {
      if (settled) {
        socket.destroy();
        return;
      }
      done();
      if (transport === 'tcp') options.tcpPeers.add(key);
      resolve(socket);
    };
    const lost = (error: unknown): void => {
      if (settled) return;
      const reason = error instanceof EngineError ? error : new EngineError('CONNECT_FAILED', String(error), { peer: key, cause: error });
      if (failed !== undefined) {
        done();
        const both = failed === undefined ? reason.message : `${failed.message}; ${reason.message}`;
        reject(new EngineError('CONNECT_FAILED', both, { peer: key, cause: reason }));
        return;
      }
      failed = reason;
      startTcp(); // uTP gave up (refused, reset): no need to wait out its head start
    };
    function startTcp(): void {
      if (tcpStarted || settled) return;
      tcpStarted = true;
      cancelHeadStart();
      tcp(attempt(tcpAbort, connect)).then((socket) => won(socket, 'tcp'), lost);
    }
    dialUtp(utp, attempt(utpAbort, viaUtp)).then((socket) => won(socket, 'utp'), lost);
  });
}
