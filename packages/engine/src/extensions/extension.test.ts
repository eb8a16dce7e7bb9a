// The BEP 10 extension set with small recording plug-ins and peers over recording connections.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeExtendedHandshake, encodeExtendedHandshake, WireError, type ExtendedHandshake } from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from '../torrent/peer.js';
import { ExtensionSet, type Extension, type HandshakeFields } from './extension.js';

/** An extension that records what reaches it. */
class Recorder implements Extension {
  readonly messages: { peer: string; payload: number[] }[] = [];
  readonly handshakes: { peer: string; supported: boolean }[] = [];
  readonly left: string[] = [];
  on = true;
  constructor(
    readonly name: string,
    private readonly fields: HandshakeFields = {},
  ) {}
  offered(): boolean {
    return this.on;
  }
  handshakeFields(): HandshakeFields {
    return this.fields;
  }
  onHandshake(peer: Peer, supported: boolean, _handshake: ExtendedHandshake): void {
    this.handshakes.push({ peer: peer.key, supported });
  }
  onMessage(peer: Peer, payload: Uint8Array): void {
    this.messages.push({ peer: peer.key, payload: [...payload] });
  }
  leave(peer: Peer): void {
    this.left.push(peer.key);
  }
}

const clock = new ManualClock();
let set: ExtensionSet;
let alpha: Recorder;
let beta: Recorder;

/** The peer's extended handshake, naming its ids for our extensions. */
function theirHandshake(m: Record<string, number>, extra: Partial<{ v: string; p: number; reqq: number }> = {}): Uint8Array {
  return encodeExtendedHandshake({ m, ...extra });
}

beforeEach(() => {
  set = new ExtensionSet();
  alpha = new Recorder('alpha');
  beta = new Recorder('beta', { metadataSize: 1234 });
  set.add(alpha);
  set.add(beta);
});

describe('ExtensionSet: our handshake', () => {
  it('hands out local ids in registration order, from 1', () => {
    const ours = decodeExtendedHandshake(set.handshake({}));
    expect([...ours.m]).toEqual([
      ['alpha', 1],
      ['beta', 2],
    ]);
  });

  it('names only the extensions offered now, and keeps their ids when they come back', () => {
    alpha.on = false;
    expect([...decodeExtendedHandshake(set.handshake({})).m]).toEqual([['beta', 2]]);
    alpha.on = true;
    expect(decodeExtendedHandshake(set.handshake({})).m.get('alpha')).toBe(1);
  });

  it('adds the offered extensions’ fields to the base fields, and not those of one not offered', () => {
    const ours = decodeExtendedHandshake(set.handshake({ v: 'TypeTorrent 0.1', p: 6881, reqq: 2000 }));
    expect([ours.v, ours.p, ours.reqq, ours.metadataSize]).toEqual(['TypeTorrent 0.1', 6881, 2000, 1234]);
    beta.on = false;
    expect(decodeExtendedHandshake(set.handshake({})).metadataSize).toBeUndefined();
  });

  it('refuses to register one name twice', () => {
    expect(() => set.add(new Recorder('alpha'))).toThrow(RangeError);
  });
});

describe('ExtensionSet: a peer’s handshake and messages', () => {
  it('tells each extension whether the peer supports it (a missing name or id 0 means not)', () => {
    const { peer } = fakePeer('a', clock);
    const handshake = set.onHandshake(peer, theirHandshake({ alpha: 7, beta: 0 }, { reqq: 250 }));
    expect(handshake.reqq).toBe(250);
    expect(alpha.handshakes).toEqual([{ peer: 'a', supported: true }]);
    expect(beta.handshakes).toEqual([{ peer: 'a', supported: false }]);
    expect([set.supports(peer, 'alpha'), set.supports(peer, 'beta'), set.supports(peer, 'gamma')]).toEqual([true, false, false]);
  });

  it('routes a message by the id we gave, not the peer’s', () => {
    const { peer } = fakePeer('a', clock);
    set.onHandshake(peer, theirHandshake({ alpha: 2, beta: 1 }));
    set.onMessage(peer, 1, Uint8Array.of(10));
    set.onMessage(peer, 2, Uint8Array.of(20));
    expect(alpha.messages).toEqual([{ peer: 'a', payload: [10] }]);
    expect(beta.messages).toEqual([{ peer: 'a', payload: [20] }]);
  });

  it('ignores messages to ids we never gave out (BEP 10)', () => {
    const { peer } = fakePeer('a', clock);
    expect(() => set.onMessage(peer, 99, Uint8Array.of(1))).not.toThrow();
    expect([...alpha.messages, ...beta.messages]).toEqual([]);
  });

  it('ignores messages for an extension it no longer offers', () => {
    const { peer } = fakePeer('a', clock);
    alpha.on = false;
    set.onMessage(peer, 1, Uint8Array.of(1));
    expect(alpha.messages).toEqual([]);
  });

  it('lets an extension’s error reach the caller, so the peer is dropped', () => {
    const { peer } = fakePeer('a', clock);
    alpha.onMessage = () => {
      throw new EngineError('PROTOCOL', 'nonsense');
    };
    expect(() => set.onMessage(peer, 1, new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
  });

  it('throws a WireError for a malformed handshake', () => {
    const { peer } = fakePeer('a', clock);
    expect(() => set.onHandshake(peer, Uint8Array.of(0x69))).toThrow(WireError);
  });

  it('reads a handshake that names a huge metadata_size (ut_metadata decides what to do with it, the peer stays)', () => {
    const { peer } = fakePeer('a', clock);
    const hs = set.onHandshake(peer, encodeExtendedHandshake({ m: { alpha: 3 }, metadataSize: 64 * 1024 * 1024 + 1 }));
    expect(hs.metadataSize).toBe(64 * 1024 * 1024 + 1);
  });
});

describe('ExtensionSet: sending', () => {
  it('sends with the id the peer chose', () => {
    const { peer, conn } = fakePeer('a', clock);
    set.onHandshake(peer, theirHandshake({ alpha: 42 }));
    expect(set.send(peer, 'alpha', Uint8Array.of(5))).toBe(true);
    expect(conn.take('extended')).toEqual([{ type: 'extended', id: 42, payload: Uint8Array.of(5) }]);
  });

  it('sends nothing to a peer that does not support the extension, disabled it, or is gone', () => {
    const { peer, conn } = fakePeer('a', clock);
    expect(set.send(peer, 'alpha', Uint8Array.of(5))).toBe(false);
    set.onHandshake(peer, theirHandshake({ alpha: 0, beta: 3 }));
    expect(set.send(peer, 'alpha', Uint8Array.of(5))).toBe(false);
    conn.close(new EngineError('SOCKET', 'gone'));
    expect(set.send(peer, 'beta', Uint8Array.of(5))).toBe(false);
    expect(conn.sent).toEqual([]);
  });

  it('a later handshake replaces the peer’s ids (BEP 10 allows several)', () => {
    const { peer, conn } = fakePeer('a', clock);
    set.onHandshake(peer, theirHandshake({ alpha: 4 }));
    set.onHandshake(peer, theirHandshake({ alpha: 9 }));
    set.send(peer, 'alpha', Uint8Array.of(1));
    expect(conn.take('extended').map((m) => m.id)).toEqual([9]);
  });

  it('forgets a peer that leaves and tells every extension', () => {
    const { peer, conn } = fakePeer('a', clock);
    set.onHandshake(peer, theirHandshake({ alpha: 4 }));
    set.leave(peer);
    expect(alpha.left).toEqual(['a']);
    expect(beta.left).toEqual(['a']);
    expect(set.send(peer, 'alpha', Uint8Array.of(1))).toBe(false);
    expect(conn.sent).toEqual([]);
  });
});
