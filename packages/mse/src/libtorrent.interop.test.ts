// Against real software: python3-libtorrent sessions that require MSE both ways, one allowing only
// RC4 payloads and one only plaintext payloads (test/lt_mse_peer.py), spoken to over raw loopback
// TCP with nothing but this package. Our initiator dials each; each dials our responder (both
// through handshakeOverSocket). Both must finish the handshake and then exchange BitTorrent
// messages through the chosen method.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { describeWithTools, makeTempDir, removeTempDir, SYSTEM_PYTHON } from '@typetorrent/testkit';
import type { MseResult } from './handshake.js';
import { InfoHashIndex } from './info-hash-index.js';
import { MseInitiator } from './initiator.js';
import { cryptoRandom } from './node.js';
import { seededRandom } from './random.js';
import { handshakeOverSocket } from './node/socket.js';
import { MseResponder } from './responder.js';

const SCRIPT = fileURLToPath(new URL('../test/lt_mse_peer.py', import.meta.url));
const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');

function btHandshake(infoHash: Uint8Array): Uint8Array {
  const peerId = Buffer.concat([Buffer.from('-TT0001-'), randomBytes(12)]);
  return Uint8Array.from(Buffer.concat([PROTOCOL, Buffer.alloc(8), infoHash, peerId]));
}

/** After the handshake: `result.received`, then reads from the (paused) socket, decrypted, until `want` bytes. */
function payloadAfter(socket: net.Socket, result: MseResult, want: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let payload = Buffer.from(result.received);
    const onData = (chunk: Buffer): void => {
      payload = Buffer.concat([payload, result.decrypt?.process(chunk) ?? chunk]);
      if (payload.length >= want) {
        socket.off('data', onData);
        resolve(payload);
      }
    };
    if (payload.length >= want) return resolve(payload);
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed after ${payload.length} payload bytes`)));
    socket.resume();
  });
}

/** The first BitTorrent message after the 68-byte handshake has a sane length and a known id. */
function expectMessageAfterHandshake(payload: Buffer): void {
  const length = payload.readUInt32BE(68);
  expect(length).toBeLessThan(1 << 20);
  if (length > 0) expect(payload[72]).toBeLessThanOrEqual(20);
}

/** One libtorrent session forcing MSE, allowing only `method` as payload; we offer and accept both. */
function againstLibtorrent(method: 'rc4' | 'plaintext'): void {
  describeWithTools(['python3-libtorrent'], `MSE against a libtorrent that requires it with ${method} payloads`, () => {
    let dir = '';
    let child: ChildProcessWithoutNullStreams | undefined;
    let port = 0;
    let infoHash = new Uint8Array(20);
    const sockets: net.Socket[] = [];

    beforeAll(async () => {
      dir = await makeTempDir('typetorrent-mse-');
      const started = spawn(SYSTEM_PYTHON, ['-u', SCRIPT, dir, method], { stdio: ['pipe', 'pipe', 'pipe'] });
      child = started;
      let stderr = '';
      started.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        started.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        started.once('close', (code) => reject(new Error(`lt_mse_peer.py exited (${code}): ${stderr}`)));
      });
      const ready = JSON.parse(line) as { port?: number; infoHash?: string; error?: string };
      if (ready.port === undefined || ready.infoHash === undefined) throw new Error(`libtorrent did not start: ${line}`);
      port = ready.port;
      infoHash = Uint8Array.from(Buffer.from(ready.infoHash, 'hex'));
    }, 60_000);

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('close', resolve));
        child.stdin.end();
        const kill = setTimeout(() => child?.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
      if (dir !== '') await removeTempDir(dir);
    });

    test(`our initiator gets through, and libtorrent's BitTorrent handshake and first message arrive (${method}; 5 paddings)`, async () => {
      for (let seed = 1; seed <= 5; seed++) {
        const socket = net.connect({ host: '127.0.0.1', port });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        const initiator = new MseInitiator({ infoHash, initialPayload: btHandshake(infoHash), random: seededRandom(seed), now: Date.now(), timeoutMs: 20_000 });
        const result = await handshakeOverSocket(socket, initiator);
        const payload = await payloadAfter(socket, result, 72);
        expect(result.method).toBe(method);
        expect(payload.subarray(0, 20)).toEqual(PROTOCOL);
        expect(Uint8Array.from(payload.subarray(28, 48))).toEqual(infoHash);
        expectMessageAfterHandshake(payload);
        socket.destroy();
      }
    }, 30_000);

    test(`libtorrent's initiator gets through to our responder, which routes it by the obfuscated info-hash (${method})`, async () => {
      const others = Array.from({ length: 20 }, () => Uint8Array.from(randomBytes(20)));
      const index = new InfoHashIndex([...others, infoHash]);
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      child?.stdin.write(`connect 127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
      const socket = await accepted;
      sockets.push(socket);
      server.close();
      const responder = new MseResponder({ findInfoHash: index.find, allow: ['rc4', 'plaintext'], random: cryptoRandom, now: Date.now(), timeoutMs: 20_000 });
      const result = await handshakeOverSocket(socket, responder);
      // Answer with our BitTorrent handshake (through RC4 if chosen); libtorrent then sends its messages.
      const ours = btHandshake(infoHash);
      socket.write(result.encrypt?.process(ours) ?? ours);
      const payload = await payloadAfter(socket, result, 72);
      expect(result.method).toBe(method);
      expect(result.infoHash).toEqual(infoHash);
      expect(payload.subarray(0, 20)).toEqual(PROTOCOL);
      expect(Uint8Array.from(payload.subarray(28, 48))).toEqual(infoHash);
      expectMessageAfterHandshake(payload);
    }, 30_000);
  });
}

againstLibtorrent('rc4');
againstLibtorrent('plaintext');
