/**
 * Picker timings, outside the test run (tests assert behaviour, never time). Run from packages/engine:
 *
 *   npx esbuild src/picker/picker.bench.ts --bundle --platform=node --format=esm --outfile=/tmp/picker-bench.mjs \
 *     && node /tmp/picker-bench.mjs
 *
 * Each case: a torrent of `pieces` pieces × 64 blocks, `peers` peers holding a random half of the
 * pieces (every tenth a seed), HAVE traffic mixed in, and picks of 16 blocks at a time.
 */
import { performance } from 'node:perf_hooks';
import { PiecePicker } from './piece-picker.js';
import { randomIndex, seededRandom } from './random.js';
import type { PickPeer } from './types.js';

function bench(pieces: number, peerCount: number, picks: number): void {
  const random = seededRandom(1);
  const picker = new PiecePicker({ pieceCount: pieces, blocksInPiece: () => 64 }, { random });
  const peers: { peer: PickPeer; has: Uint8Array }[] = [];
  let setupMs = 0;
  for (let index = 0; index < peerCount; index++) {
    const seed = index % 10 === 0;
    const has = new Uint8Array(pieces);
    const bits = new Uint8Array(Math.ceil(pieces / 8));
    for (let piece = 0; piece < pieces; piece++) {
      if (!seed && random() >= 0.5) continue;
      has[piece] = 1;
      bits[piece >> 3] = (bits[piece >> 3] ?? 0) | (0x80 >> (piece & 7));
    }
    const start = performance.now();
    if (seed) picker.peerHasAll();
    else picker.peerBitfield(bits);
    setupMs += performance.now() - start;
    peers.push({ peer: { key: `p${index}`, has: (piece) => has[piece] === 1, hasAll: seed }, has });
  }

  let picked = 0;
  let haves = 0;
  const start = performance.now();
  for (let round = 0; round < picks; round++) {
    const entry = peers[randomIndex(random, peers.length)];
    if (entry === undefined) break;
    for (const { piece, block } of picker.pickBlocks(entry.peer, 16)) {
      picked++;
      const result = picker.blockReceived(piece, block, entry.peer.key);
      if (result.pieceComplete) picker.markHave(piece);
    }
    // Some HAVE traffic between picks, as a live swarm sends.
    const other = peers[randomIndex(random, peers.length)];
    const piece = randomIndex(random, pieces);
    if (other !== undefined && other.has[piece] === 0 && !other.peer.hasAll) {
      other.has[piece] = 1;
      picker.peerHasPiece(piece);
      haves++;
    }
  }
  const perPickUs = ((performance.now() - start) * 1000) / picks;
  console.log(
    `${pieces} pieces, ${peerCount} peers: bitfields ${((setupMs * 1000) / peerCount).toFixed(0)} µs per peer; ` +
      `${perPickUs.toFixed(1)} µs per pick+receive of 16 blocks (${picked} blocks, ${haves} HAVEs)`,
  );
}

// The first run warms the JIT up; its numbers include compilation.
bench(1024, 50, 2000);
bench(1024, 50, 2000);
bench(100_000, 50, 2000);
bench(100_000, 500, 2000);
