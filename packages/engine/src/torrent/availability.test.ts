// The availability part on a fake host: piece counts that record what the picker would be told, and
// peers over recording connections. What a peer announces is checked for lies and counted once.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Bitfield } from '@typetorrent/peer-wire';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import { Availability, type AvailabilityCounts, type AvailabilityHost } from './availability.js';
import { MAX_EARLY_ANNOUNCEMENTS, type EarlyAnnouncement } from './peer-pieces.js';
import type { Peer } from './peer.js';

const PIECES = 10;

/** Bitfield bytes with the given pieces set. */
function bits(...pieces: number[]): Uint8Array {
  const field = new Bitfield(PIECES);
  for (const piece of pieces) field.set(piece);
  return field.toBytes();
}

class Host implements AvailabilityHost {
  readonly pieceCount = PIECES;
  /** What the picker was told, in order. */
  readonly log: string[] = [];
  readonly announcements: { peer: string; piece: number | undefined }[] = [];
  readonly counts: AvailabilityCounts = {
    peerBitfield: (bytes) => {
      this.log.push(`bitfield ${[...Bitfield.fromBytes(bytes, PIECES).indices()].join(',')}`);
    },
    peerHasPiece: (piece) => {
      this.log.push(`have ${piece}`);
    },
    peerHasAll: () => {
      this.log.push('has-all');
    },
    peerLeft: (bytes) => {
      this.log.push(`left ${[...Bitfield.fromBytes(bytes, PIECES).indices()].join(',')}`);
    },
    peerLeftAll: () => {
      this.log.push('left-all');
    },
  };
  announced(peer: Peer, piece: number | undefined): void {
    this.announcements.push({ peer: peer.key, piece });
  }
}

let host: Host;
let availability: Availability;
const clock = new ManualClock();

/** A peer whose piece count is known (it joined the work). */
function joined(key = 'a'): Peer {
  const { peer } = fakePeer(key, clock);
  availability.join(peer);
  return peer;
}

function say(peer: Peer, ...said: EarlyAnnouncement[]): void {
  for (const one of said) availability.onAnnouncement(peer, one);
}

const PROTOCOL = expect.objectContaining({ code: 'PROTOCOL' });

beforeEach(() => {
  host = new Host();
  availability = new Availability(host);
});

describe('Availability: what a peer tells us', () => {
  it('counts a bitfield once and tells the host the peer announced pieces', () => {
    const peer = joined();
    say(peer, { type: 'bitfield', bytes: bits(1, 4) });
    expect(host.log).toEqual(['bitfield 1,4']);
    expect([peer.has(1), peer.has(4), peer.has(2)]).toEqual([true, true, false]);
    expect(host.announcements).toEqual([{ peer: 'a', piece: undefined }]);
  });

  it('counts a complete bitfield as a seed, and its departure as a seed leaving', () => {
    const peer = joined();
    say(peer, { type: 'bitfield', bytes: bits(...Array(PIECES).keys()) });
    expect(host.log).toEqual(['has-all']);
    expect(peer.isSeed).toBe(true);
    availability.leave(peer);
    expect(host.log).toEqual(['has-all', 'left-all']);
  });

  it('counts each HAVE and names the piece to the host', () => {
    const peer = joined();
    say(peer, { type: 'have', index: 3 }, { type: 'have', index: 7 });
    expect(host.log).toEqual(['have 3', 'have 7']);
    expect(host.announcements).toEqual([
      { peer: 'a', piece: 3 },
      { peer: 'a', piece: 7 },
    ]);
    availability.leave(peer);
    expect(host.log.at(-1)).toBe('left 3,7');
  });

  it('counts HAVE ALL as a seed (BEP 6)', () => {
    const peer = joined();
    say(peer, { type: 'have-all' });
    expect(host.log).toEqual(['has-all']);
    expect(peer.isSeed).toBe(true);
  });

  it('counts nothing for HAVE NONE, and HAVEs may follow it', () => {
    const peer = joined();
    say(peer, { type: 'have-none' }, { type: 'have', index: 0 });
    expect(host.log).toEqual(['have 0']);
  });

  it('a peer with nothing leaves without touching the counts', () => {
    const peer = joined();
    say(peer, { type: 'have-none' });
    availability.leave(peer);
    expect(host.log).toEqual([]);
  });

  it('accepts a later bitfield that only adds pieces (aria2 sends one) and counts just the new ones', () => {
    const peer = joined();
    say(peer, { type: 'bitfield', bytes: bits(1) }, { type: 'have', index: 2 }, { type: 'bitfield', bytes: bits(1, 2, 5, 6) });
    expect(host.log).toEqual(['bitfield 1', 'have 2', 'have 5', 'have 6']);
    availability.leave(peer);
    expect(host.log.at(-1)).toBe('left 1,2,5,6');
  });

  it('HAVE ALL after some pieces moves the peer from piecewise counts to a seed without counting twice', () => {
    const peer = joined();
    say(peer, { type: 'bitfield', bytes: bits(1, 2) }, { type: 'have-all' });
    expect(host.log).toEqual(['bitfield 1,2', 'left 1,2', 'has-all']);
    availability.leave(peer);
    expect(host.log.at(-1)).toBe('left-all');
  });

  it('a repeated HAVE ALL, or a complete bitfield after it, changes nothing', () => {
    const peer = joined();
    say(peer, { type: 'have-all' }, { type: 'have-all' }, { type: 'bitfield', bytes: bits(...Array(PIECES).keys()) });
    expect(host.log).toEqual(['has-all']);
  });
});

describe('Availability: lies are PROTOCOL errors', () => {
  it('a HAVE past the last piece', () => {
    const peer = joined();
    expect(() => say(peer, { type: 'have', index: PIECES })).toThrow(PROTOCOL);
    expect(host.log).toEqual([]);
  });

  it('a HAVE for a piece it already claimed, by HAVE, bitfield or HAVE ALL', () => {
    const byHave = joined('a');
    say(byHave, { type: 'have', index: 1 });
    expect(() => say(byHave, { type: 'have', index: 1 })).toThrow(PROTOCOL);
    const byBitfield = joined('b');
    say(byBitfield, { type: 'bitfield', bytes: bits(4) });
    expect(() => say(byBitfield, { type: 'have', index: 4 })).toThrow(PROTOCOL);
    const bySeed = joined('c');
    say(bySeed, { type: 'have-all' });
    expect(() => say(bySeed, { type: 'have', index: 0 })).toThrow(PROTOCOL);
  });

  it('HAVE NONE after claiming pieces', () => {
    const some = joined('a');
    say(some, { type: 'have', index: 2 });
    expect(() => say(some, { type: 'have-none' })).toThrow(PROTOCOL);
    const all = joined('b');
    say(all, { type: 'have-all' });
    expect(() => say(all, { type: 'have-none' })).toThrow(PROTOCOL);
  });

  it('a later bitfield that takes back a piece', () => {
    const peer = joined();
    say(peer, { type: 'bitfield', bytes: bits(1, 2) });
    expect(() => say(peer, { type: 'bitfield', bytes: bits(1) })).toThrow(expect.objectContaining({ code: 'PROTOCOL', message: expect.stringMatching(/piece 2/) }));
    const seed = joined('b');
    say(seed, { type: 'have-all' });
    expect(() => say(seed, { type: 'bitfield', bytes: bits(1) })).toThrow(PROTOCOL);
  });

  it('a bitfield of the wrong length or with spare bits set', () => {
    const short = joined('a');
    expect(() => say(short, { type: 'bitfield', bytes: new Uint8Array(1) })).toThrow(PROTOCOL);
    const spare = joined('b');
    // 10 pieces: the last 6 bits of the second byte are spare and must be zero.
    expect(() => say(spare, { type: 'bitfield', bytes: Uint8Array.of(0, 0b0000_0001) })).toThrow(PROTOCOL);
    expect(host.log).toEqual([]);
  });
});

describe('Availability: before the piece count is known', () => {
  it('keeps announcements and replays them, in order, when the peer joins', () => {
    const { peer } = fakePeer('a', clock);
    say(peer, { type: 'bitfield', bytes: bits(0) }, { type: 'have', index: 5 });
    expect(host.log).toEqual([]);
    expect(peer.has(0)).toBe(false);
    availability.join(peer);
    expect(host.log).toEqual(['bitfield 0', 'have 5']);
    expect([peer.has(0), peer.has(5)]).toEqual([true, true]);
  });

  it('a lie told early is found when it is replayed', () => {
    const { peer } = fakePeer('a', clock);
    say(peer, { type: 'have-all' }, { type: 'have', index: PIECES + 3 });
    expect(() => availability.join(peer)).toThrow(PROTOCOL);
  });

  it('a kept bitfield of the wrong length for the pieces is PROTOCOL at the replay', () => {
    const { peer } = fakePeer('a', clock);
    say(peer, { type: 'bitfield', bytes: new Uint8Array(5) });
    expect(() => availability.join(peer)).toThrow(PROTOCOL);
  });

  it(`cuts off a peer that says more than ${MAX_EARLY_ANNOUNCEMENTS} things before the metadata`, () => {
    const { peer } = fakePeer('a', clock);
    for (let i = 0; i < MAX_EARLY_ANNOUNCEMENTS; i++) say(peer, { type: 'have', index: i });
    expect(() => say(peer, { type: 'have', index: 0 })).toThrow(expect.objectContaining({ code: 'PROTOCOL', message: expect.stringMatching(/too many/) }));
  });

  it('replays nothing twice when a peer joins again', () => {
    const { peer } = fakePeer('a', clock);
    say(peer, { type: 'have', index: 1 });
    availability.join(peer);
    availability.join(peer);
    expect(host.log).toEqual(['have 1']);
  });
});
