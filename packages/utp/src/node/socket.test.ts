import { afterEach, describe, expect, it } from '@jest/globals';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createUtpSocket, type UtpSocket } from './socket.js';
import type { UtpStream } from './stream.js';
import { testData } from '../testing/transfer.js';

const sockets: UtpSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

function sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Reads to the end without destroying the stream (for-await would, cutting off its own writes). */
async function readAll(stream: UtpStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(stream, 'end');
  return Buffer.concat(chunks);
}

async function pair(options: Parameters<typeof createUtpSocket>[0] = {}): Promise<{ server: UtpSocket; client: UtpSocket; port: number }> {
  const server = createUtpSocket(options);
  const client = createUtpSocket(options);
  sockets.push(server, client);
  const { port } = await server.listen(0, '127.0.0.1');
  await client.listen(0, '127.0.0.1');
  return { server, client, port };
}

describe('UtpSocket over real UDP on 127.0.0.1', () => {
  it('moves 8 MB in 16 KiB loopback packets byte-exact and both streams end cleanly', async () => {
    const { server, client, port } = await pair({ connection: { loopbackPacketSize: 16 * 1024 } });
    const data = testData(8 * 1024 * 1024, 3);
    const accepted = once(server, 'connection') as Promise<[UtpStream]>;
    const stream = client.connect(port, '127.0.0.1');
    stream.end(data);
    const [incoming] = await accepted;
    incoming.end();
    const received = await readAll(incoming);
    expect(received.length).toBe(data.length);
    expect(sha1(received)).toBe(sha1(data));
    expect(await readAll(stream)).toHaveLength(0);
  });

  it('moves 4 MB in the default 1400-byte packets byte-exact', async () => {
    const { server, client, port } = await pair();
    const data = testData(4 * 1024 * 1024, 6);
    const accepted = once(server, 'connection') as Promise<[UtpStream]>;
    const stream = client.connect(port, '127.0.0.1');
    stream.end(data);
    const [incoming] = await accepted;
    incoming.end();
    const [received] = await Promise.all([readAll(incoming), readAll(stream)]);
    expect(sha1(received)).toBe(sha1(data));
    expect(stream.connection.stats.packetsSent).toBeGreaterThan(data.length / 1400);
  });

  it('moves data both ways at once on one connection', async () => {
    const { server, client, port } = await pair();
    const up = testData(2 * 1024 * 1024, 4);
    const down = testData(3 * 1024 * 1024, 5);
    server.on('connection', (s) => {
      s.end(down);
    });
    const stream = client.connect(port, '127.0.0.1');
    const [incoming] = (await Promise.all([once(server, 'connection'), (async () => stream.end(up))()]))[0] as [UtpStream];
    const [gotUp, gotDown] = await Promise.all([readAll(incoming), readAll(stream)]);
    expect(sha1(gotUp)).toBe(sha1(up));
    expect(sha1(gotDown)).toBe(sha1(down));
  });

  it('carries 40 connections at once between two sockets, each byte-exact', async () => {
    const { server, client, port } = await pair();
    const streams = Array.from({ length: 40 }, (_, i) => ({ data: testData(256 * 1024 + i, 100 + i) }));
    server.on('connection', (s) => {
      s.pipe(s); // an echo; the first 4 bytes say which stream it is
    });
    const results = await Promise.all(
      streams.map(async ({ data }, i) => {
        const stream = client.connect(port, '127.0.0.1');
        const header = Buffer.alloc(4);
        header.writeUInt32BE(i);
        const reading = readAll(stream);
        stream.end(Buffer.concat([header, data]));
        const back = await reading;
        return back.readUInt32BE(0) === i && sha1(back.subarray(4)) === sha1(data);
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(server.endpoint.stats.accepted).toBe(40);
  });

  it('corked small writes leave in one packet', async () => {
    const { server, client, port } = await pair();
    const accepted = once(server, 'connection') as Promise<[UtpStream]>;
    const stream = client.connect(port, '127.0.0.1');
    await once(stream, 'connect');
    const before = stream.connection.stats.packetsSent;
    stream.cork();
    for (let i = 0; i < 50; i++) stream.write(Buffer.alloc(17, i));
    process.nextTick(() => stream.uncork());
    stream.end();
    const [incoming] = await accepted;
    incoming.end();
    const [received] = await Promise.all([readAll(incoming), readAll(stream)]);
    expect(received.length).toBe(50 * 17);
    // 850 bytes of writes, the FIN and perhaps an ack: not fifty packets.
    expect(stream.connection.stats.packetsSent - before).toBeLessThan(5);
  });

  it('closes a socket that never bound, and refuses to connect afterwards', async () => {
    const idle = createUtpSocket();
    await idle.close();
    expect(() => idle.connect(1, '127.0.0.1')).toThrow(expect.objectContaining({ code: 'ECLOSED' }));
  });

  it('works over IPv6 loopback (::1) with udp6 sockets', async () => {
    const server = createUtpSocket({ type: 'udp6' });
    const client = createUtpSocket({ type: 'udp6' });
    sockets.push(server, client);
    const { port } = await server.listen(0, '::1');
    await client.listen(0, '::1');
    const data = testData(1024 * 1024, 7);
    const accepted = once(server, 'connection') as Promise<[UtpStream]>;
    const stream = client.connect(port, '::1');
    stream.end(data);
    const [incoming] = await accepted;
    expect(incoming.remoteAddress).toBe('::1');
    incoming.end();
    const [received] = await Promise.all([readAll(incoming), readAll(stream)]);
    expect(sha1(received)).toBe(sha1(data));
  });

  it('dial() resolves with a connected stream, and rejects when refused', async () => {
    const { server, client, port } = await pair();
    server.on('connection', (s) => s.end('hi'));
    const stream = await client.dial(port, '127.0.0.1');
    expect(stream.connected).toBe(true);
    stream.end();
    expect((await readAll(stream)).toString()).toBe('hi');
    server.endpoint.accepting = false;
    await expect(client.dial(port, '127.0.0.1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a connection to a socket that is not listening (ECONNREFUSED)', async () => {
    const quiet = createUtpSocket();
    sockets.push(quiet);
    await quiet.listen(0, '127.0.0.1');
    quiet.endpoint.accepting = false;
    const client = createUtpSocket();
    sockets.push(client);
    const stream = client.connect(quiet.address().port, '127.0.0.1');
    const [error] = (await once(stream, 'error')) as [Error & { code?: string }];
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('gives up a connect when its AbortSignal fires, while the SYN goes unanswered', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const client = createUtpSocket();
    sockets.push(client);
    const controller = new AbortController();
    const stream = client.connect(silent.address().port, '127.0.0.1', { signal: controller.signal });
    await once(silent, 'message'); // the SYN arrived; nobody answers
    controller.abort();
    const [error] = (await once(stream, 'error')) as [Error & { code?: string }];
    expect(error.code).toBe('ECLOSED');
    silent.close();
  });

  it('shares a dgram socket: uTP goes to handleDatagram, KRPC-looking datagrams stay with the owner', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const shared = createUtpSocket({ socket: udp });
    sockets.push(shared);
    const other: Buffer[] = [];
    udp.on('message', (msg, rinfo) => {
      if (!shared.handleDatagram(msg, rinfo)) other.push(msg);
    });
    await shared.listen();
    const client = createUtpSocket();
    sockets.push(client);
    await client.listen(0, '127.0.0.1');
    const accepted = once(shared, 'connection') as Promise<[UtpStream]>;
    const stream = client.connect(udp.address().port, '127.0.0.1');
    stream.end(Buffer.from('hello over a shared socket'));
    const krpc = Buffer.from('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe');
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.send(krpc, udp.address().port, '127.0.0.1', () => resolve()));
    const [incoming] = await accepted;
    incoming.end();
    expect((await readAll(incoming)).toString()).toBe('hello over a shared socket');
    expect(await readAll(stream)).toHaveLength(0);
    probe.close();
    await shared.close();
    udp.close();
    expect(other.map((b) => b.toString())).toEqual([krpc.toString()]);
  });
});
