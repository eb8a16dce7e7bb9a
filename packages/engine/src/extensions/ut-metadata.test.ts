// ut_metadata (BEP 9) on a fake host: what it would send is recorded per peer and decoded, and
// peers are scripted to answer its requests honestly, with forged bytes, or with a made-up size.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeUtMetadata, encodeUtMetadata, METADATA_PIECE_LENGTH, metadataPieceLength, UT_METADATA, type ExtendedHandshake, type UtMetadataMessage } from '@typetorrent/peer-wire';
import type { EngineError } from '../errors.js';
import { PIECE_TIMEOUT_MS } from '../metadata/metadata-fetch.js';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from '../torrent/peer.js';
import { MAX_METADATA_REQUESTS, UtMetadata, type UtMetadataHost } from './ut-metadata.js';

/** An info dict of two metadata pieces, the second short. */
const info = new Uint8Array(METADATA_PIECE_LENGTH + 100).map((_, i) => (i * 13) & 0xff);
const infoHash = createHash('sha1').update(info).digest();

class Host implements UtMetadataHost {
  readonly infoHash = infoHash;
  readonly clock = new ManualClock();
  /** What was sent to each peer, decoded. */
  readonly sent = new Map<string, UtMetadataMessage[]>();
  readonly warnings: EngineError[] = [];
  readonly banned: { peer: string; reason: EngineError }[] = [];
  readonly verifiedDicts: Uint8Array[] = [];
  send(peer: Peer, payload: Uint8Array): boolean {
    const list = this.sent.get(peer.key) ?? [];
    list.push(decodeUtMetadata(payload));
    this.sent.set(peer.key, list);
    return true;
  }
  warn(warning: EngineError): void {
    this.warnings.push(warning);
  }
  ban(peer: Peer, reason: EngineError): void {
    this.banned.push({ peer: peer.key, reason });
    peer.conn.close(reason);
  }
  verified(bytes: Uint8Array): void {
    this.verifiedDicts.push(bytes);
  }
  /** What was sent to `peer` since the last call. */
  take(peer: Peer): UtMetadataMessage[] {
    const list = this.sent.get(peer.key) ?? [];
    this.sent.delete(peer.key);
    return list;
  }
}

let host: Host;

function handshake(extension: UtMetadata, peer: Peer, metadataSize: number | undefined, supported = true): void {
  const hs: ExtendedHandshake = { m: new Map([[UT_METADATA, supported ? 3 : 0]]), extra: new Map() };
  if (metadataSize !== undefined) hs.metadataSize = metadataSize;
  extension.onHandshake(peer, supported, hs);
}

/** A peer that supports ut_metadata and names `metadataSize` (null: names none). */
function connect(extension: UtMetadata, key: string, metadataSize: number | null = info.length): Peer {
  const { peer } = fakePeer(key, host.clock);
  handshake(extension, peer, metadataSize ?? undefined);
  return peer;
}

function data(bytes: Uint8Array, piece: number): Uint8Array {
  const start = piece * METADATA_PIECE_LENGTH;
  return encodeUtMetadata({ msgType: 'data', piece, totalSize: bytes.length, data: bytes.subarray(start, start + metadataPieceLength(bytes.length, piece)) });
}

function requestsOf(messages: readonly UtMetadataMessage[]): number[] {
  return messages.flatMap((m) => (m.msgType === 'request' ? [m.piece] : []));
}

/** Answers every request `peer` was sent with pieces of `bytes`, until nothing more is asked. */
function answer(extension: UtMetadata, peer: Peer, bytes: Uint8Array): void {
  for (let asked = requestsOf(host.take(peer)); asked.length > 0; asked = requestsOf(host.take(peer))) {
    for (const piece of asked) extension.onMessage(peer, data(bytes, piece));
  }
}

beforeEach(() => {
  host = new Host();
});

describe('ut_metadata: serving the dict we have', () => {
  it('offers metadata_size in the handshake only once the dict is known', () => {
    expect(new UtMetadata(host, undefined).handshakeFields()).toEqual({});
    expect(new UtMetadata(host, info).handshakeFields()).toEqual({ metadataSize: info.length });
  });

  it('answers a request with the piece, the last one short', () => {
    const extension = new UtMetadata(host, info);
    const peer = connect(extension, 'a', null);
    extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 0 }));
    extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 1 }));
    const [first, last] = host.take(peer);
    expect(first?.msgType === 'data' && [first.piece, first.totalSize, first.data.length]).toEqual([0, info.length, METADATA_PIECE_LENGTH]);
    expect(last?.msgType === 'data' && Buffer.from(last.data).equals(Buffer.from(info.subarray(METADATA_PIECE_LENGTH)))).toBe(true);
  });

  it('rejects a request past the end of the dict instead of dropping the peer (BEP 9)', () => {
    const extension = new UtMetadata(host, info);
    const peer = connect(extension, 'a', null);
    expect(() => extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 2 }))).not.toThrow();
    expect(host.take(peer)).toEqual([{ msgType: 'reject', piece: 2 }]);
    expect(peer.conn.closed).toBe(false);
  });

  it('rejects requests while it does not know the dict itself', () => {
    const extension = new UtMetadata(host, undefined);
    const peer = connect(extension, 'a');
    host.take(peer);
    extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 0 }));
    expect(host.take(peer)).toEqual([{ msgType: 'reject', piece: 0 }]);
  });

  it('answers a peer once the fetched dict is known', () => {
    const extension = new UtMetadata(host, undefined);
    const peer = connect(extension, 'a', null);
    extension.setInfo(info);
    extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 1 }));
    expect(host.take(peer).map((m) => m.msgType)).toEqual(['data']);
  });

  it('answers nobody that did not say it supports ut_metadata', () => {
    const extension = new UtMetadata(host, info);
    const { peer } = fakePeer('a', host.clock);
    extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 0 }));
    handshake(extension, peer, undefined, false);
    extension.onMessage(peer, encodeUtMetadata({ msgType: 'request', piece: 0 }));
    expect(host.take(peer)).toEqual([]);
  });

  it(`drops (PROTOCOL) a peer past ${MAX_METADATA_REQUESTS} requests on one connection`, () => {
    const extension = new UtMetadata(host, info);
    const peer = connect(extension, 'a', null);
    const request = encodeUtMetadata({ msgType: 'request', piece: 0 });
    for (let i = 0; i < MAX_METADATA_REQUESTS; i++) extension.onMessage(peer, request);
    expect(() => extension.onMessage(peer, request)).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
  });

  it('ignores a message type it does not know (BEP 9)', () => {
    const extension = new UtMetadata(host, info);
    const peer = connect(extension, 'a', null);
    expect(() => extension.onMessage(peer, new TextEncoder().encode('d8:msg_typei7e5:piecei0ee'))).not.toThrow();
    expect(host.take(peer)).toEqual([]);
  });

  it('a malformed message is fatal', () => {
    const extension = new UtMetadata(host, info);
    const peer = connect(extension, 'a', null);
    expect(() => extension.onMessage(peer, Uint8Array.of(0x64))).toThrow();
  });
});

describe('ut_metadata: fetching the dict', () => {
  it('asks a supporting peer for every piece and hands the verified dict to the host', () => {
    const extension = new UtMetadata(host, undefined);
    const peer = connect(extension, 'honest');
    answer(extension, peer, info);
    expect(host.verifiedDicts).toHaveLength(1);
    expect(Buffer.from(host.verifiedDicts[0] ?? []).equals(Buffer.from(info))).toBe(true);
    // From then on it serves the dict.
    expect(extension.handshakeFields()).toEqual({ metadataSize: info.length });
  });

  it('asks nothing of a peer that did not say how large the dict is, and says why only for a size it will not take', () => {
    const extension = new UtMetadata(host, undefined);
    const vague = connect(extension, 'vague', null);
    expect(host.take(vague)).toEqual([]);
    expect(host.warnings).toEqual([]);
    const huge = connect(extension, 'huge', Number.MAX_SAFE_INTEGER);
    expect(host.take(huge)).toEqual([]);
    expect(host.warnings).toEqual([expect.objectContaining({ code: 'PROTOCOL', message: expect.stringMatching(/not fetching metadata from huge/) })]);
  });

  it('gets the dict from honest peers past a forger and a size liar, and bans both', () => {
    const extension = new UtMetadata(host, undefined);
    // The forger speaks first: it is asked for both pieces before the honest peer is.
    const forger = connect(extension, 'forger');
    const liar = connect(extension, 'liar', 40);
    const honest = connect(extension, 'honest');
    expect(requestsOf(host.sent.get('honest') ?? [])).toEqual([]);
    answer(extension, liar, new Uint8Array(40).fill(1));
    answer(extension, forger, new Uint8Array(info.length).fill(2));
    expect(host.banned.map((b) => b.peer).sort()).toEqual(['forger', 'liar']);
    expect(host.banned.every((b) => b.reason.code === 'CORRUPT_DATA')).toBe(true);
    expect(host.verifiedDicts).toEqual([]);
    // The forged assembly was thrown away: the honest peer is asked for everything.
    answer(extension, honest, info);
    expect(host.verifiedDicts).toHaveLength(1);
    expect(Buffer.from(host.verifiedDicts[0] ?? []).equals(Buffer.from(info))).toBe(true);
    expect(host.warnings.filter((w) => w.code === 'CORRUPT_DATA')).toHaveLength(2);
  });

  it('asks another peer for a piece a silent peer sits on once it times out', () => {
    const extension = new UtMetadata(host, undefined);
    const silent = connect(extension, 'silent');
    const other = connect(extension, 'other');
    expect(requestsOf(host.take(silent))).toEqual([0, 1]);
    expect(requestsOf(host.take(other))).toEqual([]);
    host.clock.advance(PIECE_TIMEOUT_MS + 1);
    extension.tick();
    const asked = requestsOf(host.take(other));
    expect(asked).toEqual([0, 1]);
    for (const piece of asked) extension.onMessage(other, data(info, piece));
    expect(host.verifiedDicts).toHaveLength(1);
  });

  it('asks another peer for a piece one rejected', () => {
    const extension = new UtMetadata(host, undefined);
    const refuser = connect(extension, 'refuser');
    const other = connect(extension, 'other');
    expect(requestsOf(host.take(refuser))).toEqual([0, 1]);
    extension.onMessage(refuser, encodeUtMetadata({ msgType: 'reject', piece: 1 }));
    expect(requestsOf(host.take(refuser))).toEqual([]);
    extension.tick();
    expect(requestsOf(host.take(other))).toEqual([1]);
    expect(requestsOf(host.take(refuser))).toEqual([]);
  });

  it('a peer that leaves is no longer asked, and its pieces go to the others', () => {
    const extension = new UtMetadata(host, undefined);
    const gone = connect(extension, 'gone');
    const other = connect(extension, 'other');
    host.take(gone);
    extension.leave(gone);
    extension.tick();
    expect(requestsOf(host.take(gone))).toEqual([]);
    expect(requestsOf(host.take(other))).toEqual([0, 1]);
  });

  it('ignores data once the dict is known', () => {
    const extension = new UtMetadata(host, undefined);
    const peer = connect(extension, 'a');
    answer(extension, peer, info);
    extension.onMessage(peer, data(info, 0));
    expect(host.verifiedDicts).toHaveLength(1);
  });
});
