import net from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MseError } from '../errors.js';
import { InfoHashIndex } from '../info-hash-index.js';
import { MseInitiator } from '../initiator.js';
import { seededRandom } from '../random.js';
import { MseResponder } from '../responder.js';
import { handshakeOverSocket } from './socket.js';

const infoHash = new Uint8Array(20).fill(9);
const index = new InfoHashIndex([infoHash]);
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const other = await accepted;
  server.close();
  sockets.push(client, other);
  return [client, other];
}

function listeners(socket: net.Socket): number[] {
  return ['data', 'close', 'end', 'error'].map((event) => socket.listenerCount(event));
}

function readExactly(socket: net.Socket, count: number): Promise<Buffer> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= count) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.resume();
  });
}

const initiatorFor = (timeoutMs = 10_000): MseInitiator => new MseInitiator({ infoHash, initialPayload: new TextEncoder().encode('hello'), random: seededRandom(1), now: Date.now(), timeoutMs });
const responderFor = (timeoutMs = 10_000): MseResponder => new MseResponder({ findInfoHash: index.find, random: seededRandom(2), now: Date.now(), timeoutMs });

describe('handshakeOverSocket', () => {
  it('completes both sides over loopback, leaves both sockets paused and the RC4 stream usable', async () => {
    const [a, b] = await socketPair();
    const before = [listeners(a), listeners(b)];
    const [initiated, accepted] = await Promise.all([handshakeOverSocket(a, initiatorFor()), handshakeOverSocket(b, responderFor())]);
    expect(accepted.received).toEqual(new TextEncoder().encode('hello'));
    expect([listeners(a), listeners(b)]).toEqual(before);
    expect(a.isPaused() && b.isPaused()).toBe(true);
    a.write(initiated.encrypt!.process(Buffer.from('piece bytes')));
    const wire = await readExactly(b, 11);
    expect(accepted.decrypt!.process(wire).toString()).toBe('piece bytes');
  });

  it('feeds the bytes a responder was handed first', async () => {
    const [a, b] = await socketPair();
    const initiator = initiatorFor();
    const running = handshakeOverSocket(a, initiator);
    const first = await readExactly(b, 1);
    b.pause();
    const [accepted] = await Promise.all([handshakeOverSocket(b, responderFor(), { first }), running]);
    expect(accepted.infoHash).toEqual(infoHash);
  });

  it('fails with timeout when the peer stalls, removing its listeners and timer', async () => {
    const [, b] = await socketPair();
    const before = listeners(b);
    // Part of a Ya, then nothing. Handed over as already read: written to the socket, it could still
    // be on its way when the 100 ms run out on a busy machine, and the offset would be 0.
    const error = await handshakeOverSocket(b, responderFor(100), { first: new Uint8Array(50) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MseError);
    expect(error).toMatchObject({ code: 'timeout', offset: 50 });
    expect(listeners(b)).toEqual(before);
  });

  it('fails with closed, offset 0, when a plaintext-only peer hangs up at once', async () => {
    const [a, b] = await socketPair();
    const running = handshakeOverSocket(a, initiatorFor());
    b.destroy();
    await expect(running).rejects.toMatchObject({ name: 'MseError', code: 'closed', offset: 0 });
  });

  it('fails with aborted when the signal fires, and the handshake is aborted too', async () => {
    const [, b] = await socketPair();
    const controller = new AbortController();
    const responder = responderFor();
    const running = handshakeOverSocket(b, responder, { signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    expect(responder.finished).toBe(true);
  });

  it('fails with the protocol error when the peer sends junk', async () => {
    const [a, b] = await socketPair();
    const running = handshakeOverSocket(b, responderFor());
    a.write(new Uint8Array(700).fill(0x42));
    await expect(running).rejects.toMatchObject({ code: 'sync-not-found', offset: 628 });
  });
});
