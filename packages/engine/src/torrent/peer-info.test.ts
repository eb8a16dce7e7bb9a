import { describe, expect, it } from '@jest/globals';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import { peerInfo } from './peer-info.js';

describe('peerInfo', () => {
  it('shows the flags, the totals and the snub the caller passes', () => {
    const { peer } = fakePeer('10.0.0.1:6881', new ManualClock());
    peer.peerSaid('interested');
    peer.setAmChoking(false);
    peer.downloadMeter.add(1000);
    peer.uploadMeter.add(250);
    peer.introduced('Remote 2.0', 51413);
    const info = peerInfo(peer, true);
    expect(info).toEqual(
      expect.objectContaining({
        key: '10.0.0.1:6881',
        direction: 'out',
        client: 'Remote 2.0',
        downloaded: 1000,
        uploaded: 250,
        amChoking: false,
        amInterested: false,
        peerChoking: true,
        peerInterested: true,
        snubbed: true,
      }),
    );
    expect(info.downloadRate).toBeGreaterThan(0);
  });

  it('gives progress 0 before the pieces are known, the share of pieces after, and 1 for a seed', () => {
    const { peer } = fakePeer('a', new ManualClock());
    expect(peerInfo(peer, false).progress).toBe(0);
    peer.pieces.learnPieceCount(4);
    peer.pieces.bits?.set(0);
    expect(peerInfo(peer, false).progress).toBe(0.25);
    peer.pieces.markAll();
    expect(peerInfo(peer, false).progress).toBe(1);
  });

  it('a HAVE ALL before the piece count is known is progress 1', () => {
    const { peer } = fakePeer('a', new ManualClock());
    peer.pieces.markAll();
    expect(peerInfo(peer, false).progress).toBe(1);
  });
});
