// An in-test BEP 15 tracker on a real loopback socket. The test decides what each request gets
// back (or nothing), so loss, bad ids and garbage can be staged without touching the client.
import dgram from 'node:dgram';

export interface ReceivedRequest {
  readonly action: number;
  readonly transactionId: number;
  readonly connectionId: bigint;
  readonly bytes: Uint8Array;
  /** The client's address, for replying from elsewhere (spoofing tests). */
  readonly from: { readonly address: string; readonly port: number };
}

export type Reply = (bytes: Uint8Array) => void;

export interface FakeUdpTracker {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startFakeUdpTracker(
  handle: (request: ReceivedRequest, reply: Reply) => void,
  family: 4 | 6 = 4,
): Promise<FakeUdpTracker> {
  const host = family === 4 ? '127.0.0.1' : '::1';
  const socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
  const received: ReceivedRequest[] = [];
  let open = true;
  socket.on('message', (message, from) => {
    if (message.length < 16) return;
    const request: ReceivedRequest = {
      connectionId: message.readBigUInt64BE(0),
      action: message.readUInt32BE(8),
      transactionId: message.readUInt32BE(12),
      bytes: Uint8Array.from(message),
      from: { address: from.address, port: from.port },
    };
    received.push(request);
    handle(request, (bytes) => {
      // Tests reply from timers; a reply after the test closed the tracker is simply lost.
      if (open) socket.send(bytes, from.port, from.address);
    });
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const { port } = socket.address();
  return {
    url: `udp://${family === 4 ? host : `[${host}]`}:${port}/announce`,
    port,
    received,
    close: () => {
      open = false;
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

function words(...values: (number | bigint)[]): number[] {
  const out: number[] = [];
  for (const value of values) {
    const big = BigInt(value);
    const width = typeof value === 'bigint' ? 8 : 4;
    for (let i = width - 1; i >= 0; i--) out.push(Number((big >> BigInt(8 * i)) & 0xffn));
  }
  return out;
}

export function connectReply(transactionId: number, connectionId: bigint): Uint8Array {
  return Uint8Array.from(words(0, transactionId, connectionId));
}

export function announceReply(transactionId: number, counts: { interval: number; leechers: number; seeders: number }, peers: Uint8Array = new Uint8Array()): Uint8Array {
  return Uint8Array.from([...words(1, transactionId, counts.interval, counts.leechers, counts.seeders), ...peers]);
}

export function scrapeReply(transactionId: number, records: readonly [seeders: number, completed: number, leechers: number][]): Uint8Array {
  return Uint8Array.from(words(2, transactionId, ...records.flat()));
}

export function errorReply(transactionId: number, message: string): Uint8Array {
  return Uint8Array.from([...words(3, transactionId), ...new TextEncoder().encode(message)]);
}

/** A tracker that answers everything correctly: connect, then announce with the given peers. */
export function wellBehaved(peers: Uint8Array = new Uint8Array(), connectionId = 0x0102030405060708n): (request: ReceivedRequest, reply: Reply) => void {
  return (request: ReceivedRequest, reply: Reply): void => {
    if (request.action === 0) reply(connectReply(request.transactionId, connectionId));
    else if (request.action === 1) reply(announceReply(request.transactionId, { interval: 1800, leechers: 1, seeders: 2 }, peers));
  };
}
