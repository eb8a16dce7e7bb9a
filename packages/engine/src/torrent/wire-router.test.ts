import { describe, expect, it } from '@jest/globals';
import type { WireMessage } from '@typetorrent/peer-wire';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from './peer.js';
import { routeMessage, type WireHandlers } from './wire-router.js';

/** Handlers that record each call as its name and arguments (the peer as its key). */
function recorder(): { handlers: WireHandlers; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (peer: Peer, ...args: unknown[]): void => {
      calls.push([name, peer.key, ...args]);
    };
  const handlers: WireHandlers = {
    onAnnouncement: record('announcement'),
    onChoke: record('choke'),
    onUnchoke: record('unchoke'),
    onInterested: record('interested'),
    onNotInterested: record('not-interested'),
    onRequest: record('request'),
    onCancel: record('cancel'),
    onBlock: record('block'),
    onReject: record('reject'),
    onAllowedFast: record('allowed-fast'),
  };
  return { handlers, calls };
}

const { peer } = fakePeer('p', new ManualClock());

describe('routeMessage', () => {
  it('gives each message of the piece exchange to its handler, with its fields', () => {
    const { handlers, calls } = recorder();
    const block = Uint8Array.of(1, 2, 3);
    const bitfield = Uint8Array.of(0x80);
    const messages: WireMessage[] = [
      { type: 'choke' },
      { type: 'unchoke' },
      { type: 'interested' },
      { type: 'not-interested' },
      { type: 'have', index: 4 },
      { type: 'bitfield', bytes: bitfield },
      { type: 'have-all' },
      { type: 'have-none' },
      { type: 'request', index: 1, begin: 16384, length: 16384 },
      { type: 'cancel', index: 1, begin: 0, length: 16384 },
      { type: 'piece', index: 2, begin: 32768, block },
      { type: 'reject-request', index: 3, begin: 0, length: 16384 },
      { type: 'allowed-fast', index: 7 },
    ];
    for (const message of messages) routeMessage(handlers, peer, message);
    expect(calls).toEqual([
      ['choke', 'p'],
      ['unchoke', 'p'],
      ['interested', 'p'],
      ['not-interested', 'p'],
      ['announcement', 'p', { type: 'have', index: 4 }],
      ['announcement', 'p', { type: 'bitfield', bytes: bitfield }],
      ['announcement', 'p', { type: 'have-all' }],
      ['announcement', 'p', { type: 'have-none' }],
      ['request', 'p', { piece: 1, begin: 16384, length: 16384 }],
      ['cancel', 'p', { piece: 1, begin: 0, length: 16384 }],
      ['block', 'p', 2, 32768, block],
      ['reject', 'p', 3, 0],
      ['allowed-fast', 'p', 7],
    ]);
  });

  it('ignores keep-alives, PORT, SUGGEST PIECE, unknown ids and the extension protocol', () => {
    const { handlers, calls } = recorder();
    const ignored: WireMessage[] = [
      { type: 'keep-alive' },
      { type: 'port', port: 6881 },
      { type: 'suggest-piece', index: 1 },
      { type: 'extended', id: 1, payload: new Uint8Array(0) },
    ];
    for (const message of ignored) routeMessage(handlers, peer, message);
    expect(calls).toEqual([]);
  });

  it('a second handshake is a PROTOCOL error', () => {
    const { handlers } = recorder();
    expect(() => routeMessage(handlers, peer, { type: 'handshake', reserved: new Uint8Array(8), infoHash: new Uint8Array(20), peerId: new Uint8Array(20) })).toThrow(
      expect.objectContaining({ code: 'PROTOCOL' }),
    );
  });
});
