import { describe, expect, it } from '@jest/globals';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';

describe('Peer', () => {
  it('starts choked and uninterested both ways (BEP 3), connected now', () => {
    const clock = new ManualClock();
    const { peer } = fakePeer('a', clock);
    expect([peer.amChoking, peer.amInterested, peer.peerChoking, peer.peerInterested]).toEqual([true, false, true, false]);
    expect(peer.connectedAt).toBe(clock.now());
  });

  it('sends CHOKE/UNCHOKE only when our state changes, and says whether it did', () => {
    const { peer, conn } = fakePeer('a', new ManualClock());
    expect(peer.setAmChoking(true)).toBe(false);
    expect(peer.setAmChoking(false)).toBe(true);
    expect(peer.setAmChoking(false)).toBe(false);
    expect(peer.setAmChoking(true)).toBe(true);
    expect(conn.sent).toEqual([{ type: 'unchoke' }, { type: 'choke' }]);
  });

  it('sends INTERESTED/NOT INTERESTED only when our interest changes', () => {
    const { peer, conn } = fakePeer('a', new ManualClock());
    peer.setAmInterested(false);
    peer.setAmInterested(true);
    peer.setAmInterested(true);
    peer.setAmInterested(false);
    expect(conn.sent).toEqual([{ type: 'interested' }, { type: 'not-interested' }]);
  });

  it('takes its own flags from what it says, without sending anything', () => {
    const { peer, conn } = fakePeer('a', new ManualClock());
    peer.peerSaid('unchoke');
    peer.peerSaid('interested');
    expect([peer.peerChoking, peer.peerInterested, peer.amChoking, peer.amInterested]).toEqual([false, true, true, false]);
    peer.peerSaid('choke');
    peer.peerSaid('not-interested');
    expect([peer.peerChoking, peer.peerInterested]).toEqual([true, false]);
    expect(conn.sent).toEqual([]);
  });

  it('keeps the listen port of an earlier extended handshake when a later one names none', () => {
    const { peer } = fakePeer('a', new ManualClock());
    peer.introduced('Client 1', 6881);
    peer.introduced('Client 2', undefined);
    expect([peer.client, peer.listenPort]).toEqual(['Client 2', 6881]);
  });

  it('shows the picker its pieces, whether it chokes us and the allowed-fast pieces', () => {
    const { peer } = fakePeer('a', new ManualClock());
    peer.pieces.learnPieceCount(4);
    peer.pieces.bits?.set(2);
    const view = peer.pickView(new Set([1]));
    expect([view.key, view.has(2), view.has(1), view.hasAll, view.choking, [...(view.allowedFast ?? [])]]).toEqual(['a', true, false, false, true, [1]]);
    peer.peerSaid('unchoke');
    peer.pieces.markAll();
    const later = peer.pickView(new Set());
    expect([later.hasAll, later.choking, peer.isSeed]).toEqual([true, false, true]);
  });
});
