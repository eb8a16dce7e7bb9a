import { describe, expect, it } from '@jest/globals';
import { PiecePicker } from './piece-picker.js';
import { randomIndex, seededRandom } from './random.js';
import type { PickPeer } from './types.js';

/**
 * A whole download of the size the brief names (1 GiB in 1 MiB pieces: 1024 pieces of 64 blocks)
 * from 50 peers, driven through the public API. It checks the outcome, not the time: timings are in
 * picker.bench.ts.
 */
describe('a 1024-piece download from 50 peers', () => {
  it('gets every block exactly once and ends with every piece verified', () => {
    const pieceCount = 1024;
    const random = seededRandom(42);
    const picker = new PiecePicker({ pieceCount, blocksInPiece: () => 64 }, { random: seededRandom(7) });
    const peers: PickPeer[] = [];
    for (let index = 0; index < 50; index++) {
      const seed = index % 10 === 0;
      const has = new Uint8Array(pieceCount).map(() => (seed || random() < 0.5 ? 1 : 0));
      const bits = new Uint8Array(pieceCount / 8);
      has.forEach((set, piece) => {
        if (set === 1) bits[piece >> 3] = (bits[piece >> 3] ?? 0) | (0x80 >> (piece & 7));
      });
      if (seed) picker.peerHasAll();
      else picker.peerBitfield(bits);
      peers.push({ key: `peer${index}`, has: (piece) => has[piece] === 1, hasAll: seed });
    }

    let accepted = 0;
    let duplicates = 0;
    let lacking = 0;
    let rounds = 0;
    while (!picker.isFinished && rounds < 10_000) {
      rounds++;
      const peer = peers[randomIndex(random, peers.length)];
      if (peer === undefined) break;
      for (const { piece, block } of picker.pickBlocks(peer, 16)) {
        if (!peer.has(piece)) lacking++;
        const result = picker.blockReceived(piece, block, peer.key);
        if (result.accepted) accepted++;
        else duplicates++;
        if (result.pieceComplete) picker.markHave(piece);
      }
    }

    expect(picker.isSeed).toBe(true);
    expect(accepted).toBe(pieceCount * 64);
    expect(duplicates).toBe(0);
    expect(lacking).toBe(0);
    picker.checkInvariants();
  });
});
