// Against real software: a python3-libtorrent seeder on 127.0.0.1, spoken to through a raw socket
// with nothing but this codec. Handshake, extended handshake, ut_metadata and one whole piece.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { decodeWithSpans, isBytes, isDict } from '@typetorrent/bencode';
import {
  deterministicBytes,
  describeWithTools,
  makeLibtorrentTorrent,
  makeTempDir,
  removeTempDir,
  startLibtorrentSeeder,
  type LibtorrentPeer,
  type LibtorrentTorrent,
} from '@typetorrent/testkit';
import { Bitfield } from './bitfield.js';
import { WireDecoder } from './decoder.js';
import { encodeMessage, encodeRequestInto, REQUEST_MESSAGE_LENGTH } from './encode.js';
import { decodeExtendedHandshake, encodeExtendedHandshake, type ExtendedHandshake } from './extension/handshake.js';
import { ExtensionRegistry } from './extension/registry.js';
import { decodeUtMetadata, encodeUtMetadata, metadataPieceCount, UT_METADATA } from './extension/ut-metadata.js';
import { encodeHandshake } from './handshake.js';
import type { Handshake, WireMessage } from './messages.js';
import { createPeerId } from './peer-id.js';
import { decodeReserved, encodeReserved, negotiate } from './reserved.js';

const PIECE_SIZE = 256 * 1024;
const BLOCK = 16 * 1024;
const FILE_SIZE = 5 * PIECE_SIZE + 12345; // a short last piece too
const OUR_UT_METADATA_ID = 3;
const ourFlags = { extended: true, fast: true, dht: false };

/** A raw TCP connection whose incoming bytes go through a WireDecoder. */
class RawPeer {
  readonly decoder = new WireDecoder();
  readonly #socket: net.Socket;
  readonly #queue: WireMessage[] = [];
  #wake: (() => void) | undefined;
  #failure: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#queue.push(...this.decoder.decode(chunk));
      } catch (error) {
        this.#failure = error as Error;
        socket.destroy();
      }
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#failure ??= new Error('connection closed');
      this.#wake?.();
    });
  }

  static async connect(port: number): Promise<RawPeer> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  send(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  /** The next message accepted by `want`; the ones skipped on the way are returned too. */
  async until<T extends WireMessage>(want: (m: WireMessage) => m is T, timeoutMs = 15_000): Promise<{ found: T; skipped: WireMessage[] }> {
    const skipped: WireMessage[] = [];
    const deadline = AbortSignal.timeout(timeoutMs);
    for (;;) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        if (want(next)) return { found: next, skipped };
        skipped.push(next);
        continue;
      }
      if (this.#failure !== undefined) throw this.#failure;
      if (deadline.aborted) throw new Error(`timed out; skipped ${skipped.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}

const is =
  <K extends WireMessage['type']>(type: K) =>
  (m: WireMessage): m is Extract<WireMessage, { type: K }> =>
    m.type === type;
const isExtended = (id: number) => (m: WireMessage): m is Extract<WireMessage, { type: 'extended' }> => m.type === 'extended' && m.id === id;
const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

describeWithTools(['python3-libtorrent'], 'a python3-libtorrent seeder, through a raw socket and this codec', () => {
  let dir: string;
  let data: Uint8Array;
  let torrent: LibtorrentTorrent;
  let pieceHashes: Uint8Array;
  let infoBytes: Uint8Array;
  let seeder: LibtorrentPeer;
  let peer: RawPeer;
  let theirHandshake: Handshake;
  let theirExtended: ExtendedHandshake;
  const registry = new ExtensionRegistry({ [UT_METADATA]: OUR_UT_METADATA_ID });

  beforeAll(async () => {
    dir = await makeTempDir('peer-wire-lt-');
    data = deterministicBytes(FILE_SIZE, 42);
    await fs.mkdir(path.join(dir, 'data'));
    await fs.writeFile(path.join(dir, 'data', 'payload.bin'), data);
    const torrentPath = path.join(dir, 'test.torrent');
    torrent = await makeLibtorrentTorrent({ sourcePath: path.join(dir, 'data', 'payload.bin'), torrentPath, pieceSize: PIECE_SIZE });
    const file = new Uint8Array(await fs.readFile(torrentPath));
    const decoded = decodeWithSpans(file);
    const info = isDict(decoded.value) ? decoded.value.get('info') : undefined;
    const span = isDict(decoded.value) ? decoded.spanOfKey(decoded.value, 'info') : undefined;
    if (span === undefined) throw new Error('test torrent has no info dict');
    infoBytes = file.slice(span.start, span.end);
    const pieces = isDict(info) ? info.get('pieces') : undefined;
    if (!isBytes(pieces)) throw new Error('test torrent has no pieces');
    pieceHashes = pieces.slice();
    seeder = await startLibtorrentSeeder({ torrentPath, savePath: path.join(dir, 'data') });
  }, 60_000);

  afterAll(async () => {
    peer?.close();
    await seeder?.stop();
    if (dir !== undefined) await removeTempDir(dir);
  }, 30_000);

  test('handshake: same info-hash, extension protocol and fast extension announced', async () => {
    peer = await RawPeer.connect(seeder.port);
    const infoHash = Buffer.from(torrent.infoHash, 'hex');
    peer.send(encodeHandshake({ reserved: encodeReserved(ourFlags), infoHash, peerId: createPeerId() }));
    theirHandshake = (await peer.until(is('handshake'))).found;
    expect(Buffer.from(theirHandshake.infoHash).toString('hex')).toBe(torrent.infoHash);
    const theirs = decodeReserved(theirHandshake.reserved);
    expect(theirs).toMatchObject({ extended: true, fast: true });
    const negotiated = negotiate(ourFlags, theirs);
    peer.decoder.setNegotiated(negotiated);
    peer.decoder.setPieceCount(torrent.pieces);
    // BEP 6: with the fast extension exactly one of have-all / have-none / bitfield comes first.
    peer.send(encodeMessage({ type: 'have-none' }));
    peer.send(encodeMessage({ type: 'extended', id: 0, payload: encodeExtendedHandshake({ m: registry.localMap(), v: 'TypeTorrent peer-wire test' }) }));
  });

  test('extended handshake: m has ut_metadata and metadata_size is the info dict size', async () => {
    const { found } = await peer.until(isExtended(0));
    theirExtended = decodeExtendedHandshake(found.payload);
    registry.applyRemote(theirExtended.m);
    expect(registry.isActive(UT_METADATA)).toBe(true);
    expect(theirExtended.metadataSize).toBe(torrent.metadataSize);
  });

  test('its have-all (fast extension) or full bitfield says it has every piece', async () => {
    const { found } = await peer.until((m): m is Extract<WireMessage, { type: 'have-all' | 'bitfield' }> => m.type === 'have-all' || m.type === 'bitfield');
    const has = found.type === 'have-all' ? Bitfield.full(torrent.pieces) : Bitfield.fromBytes(found.bytes, torrent.pieces);
    expect(has.hasAll()).toBe(true);
  });

  test('ut_metadata: every metadata piece, and the SHA-1 of the whole is the info-hash', async () => {
    const size = theirExtended.metadataSize ?? 0;
    const outgoing = registry.outgoingId(UT_METADATA) ?? 0;
    const metadata = new Uint8Array(size);
    for (let piece = 0; piece < metadataPieceCount(size); piece++) {
      peer.send(encodeMessage({ type: 'extended', id: outgoing, payload: encodeUtMetadata({ msgType: 'request', piece }) }));
      const { found } = await peer.until(isExtended(OUR_UT_METADATA_ID));
      expect(registry.nameOfIncoming(found.id)).toBe(UT_METADATA);
      const reply = decodeUtMetadata(found.payload, { metadataSize: size });
      if (reply.msgType !== 'data') throw new Error(`ut_metadata: ${reply.msgType} for piece ${piece}`);
      expect(reply.piece).toBe(piece);
      metadata.set(reply.data, piece * 16384);
    }
    expect(sha1(metadata)).toBe(torrent.infoHash);
    expect(Buffer.compare(metadata, infoBytes)).toBe(0);
  });

  test('interested, unchoke, then every block of one piece: its SHA-1 matches the torrent', async () => {
    peer.send(encodeMessage({ type: 'interested' }));
    await peer.until(is('unchoke'));
    const index = 1;
    const out = new Uint8Array(REQUEST_MESSAGE_LENGTH * (PIECE_SIZE / BLOCK));
    for (let begin = 0, at = 0; begin < PIECE_SIZE; begin += BLOCK) at += encodeRequestInto(out, at, index, begin, BLOCK);
    peer.send(out);
    const piece = new Uint8Array(PIECE_SIZE);
    for (let received = 0; received < PIECE_SIZE; ) {
      const { found } = await peer.until(is('piece'));
      expect(found.index).toBe(index);
      piece.set(found.block, found.begin);
      received += found.block.length;
    }
    expect(sha1(piece)).toBe(Buffer.from(pieceHashes.subarray(index * 20, index * 20 + 20)).toString('hex'));
    expect(Buffer.compare(piece, data.subarray(index * PIECE_SIZE, (index + 1) * PIECE_SIZE))).toBe(0);
  });

  test('the .torrent file’s info dict, found by its bencode span, hashes to libtorrent’s info-hash', () => {
    expect(sha1(infoBytes)).toBe(torrent.infoHash);
    expect(infoBytes.length).toBe(torrent.metadataSize);
  });
});
