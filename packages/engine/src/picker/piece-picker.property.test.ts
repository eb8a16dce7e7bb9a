import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { PiecePicker } from './piece-picker.js';
import { seededRandom } from './random.js';
import type { PickPeer, PiecePriority } from './types.js';

/** An outstanding request as the session would remember it. */
interface Sent {
  piece: number;
  block: number;
  peer: string;
}

const PEERS = ['a', 'b', 'c'] as const;

// Weighted so that runs get far enough to complete, verify and enter endgame.
const operation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pick' as const), peer: fc.nat(2), max: fc.nat(6) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('receive' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('verify' as const), pick: fc.nat(), ok: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('priority' as const),
      piece: fc.nat(),
      level: fc.integer({ min: 0, max: 7 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('announce' as const), peer: fc.nat(2), piece: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sequential' as const), on: fc.boolean() }) },
);

const world = fc.record({
  blocks: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 10 }),
  // Mostly-set bitfields, so that every block can get requested and endgame is reached.
  bitfields: fc.array(fc.array(fc.constantFrom(true, true, true, false), { minLength: 10, maxLength: 10 }), {
    minLength: 3,
    maxLength: 3,
  }),
  seedPeer: fc.boolean(),
  ops: fc.array(operation, { minLength: 10, maxLength: 150, size: 'max' }),
  seed: fc.nat(),
});

/** Plain checks inside the hot loop: `expect` is too slow for thousands of steps per test. */
function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** Free blocks of wanted missing pieces the peer has: what a non-endgame pick can hand out. */
function freeFor(picker: PiecePicker, peer: PickPeer): number {
  let free = 0;
  for (let piece = 0; piece < picker.pieceCount; piece++) {
    if (!picker.wants(piece) || !peer.has(piece)) continue;
    for (let block = 0; block < picker.blockCount(piece); block++) {
      if (picker.blockState(piece, block) === 'none') free++;
    }
  }
  return free;
}

/** Drives a picker the way a session would, remembering what it sent, and checks every answer. */
class Session {
  readonly picker: PiecePicker;
  private readonly has: boolean[][];
  private readonly peers: PickPeer[];
  private sent: Sent[] = [];
  private readonly complete = new Set<number>();

  constructor({ blocks, bitfields, seedPeer, seed }: { blocks: number[]; bitfields: boolean[][]; seedPeer: boolean; seed: number }) {
    this.picker = new PiecePicker(
      { pieceCount: blocks.length, blocksInPiece: (piece) => blocks[piece] ?? 1 },
      { random: seededRandom(seed) },
    );
    this.has = bitfields.map((bits, index) => bits.slice(0, blocks.length).map((set) => set || (seedPeer && index === 0)));
    this.peers = PEERS.map((key, index) => ({
      key,
      has: (piece) => this.has[index]?.[piece] === true,
      hasAll: seedPeer && index === 0,
    }));
    this.has.forEach((bits, index) => {
      if (seedPeer && index === 0) this.picker.peerHasAll();
      else bits.forEach((set, piece) => set && this.picker.peerHasPiece(piece));
    });
  }

  pick(peer: PickPeer, max: number): void {
    const picker = this.picker;
    const available = freeFor(picker, peer);
    const before = new Map<string, string[]>();
    for (let piece = 0; piece < picker.pieceCount; piece++) {
      for (let block = 0; block < picker.blockCount(piece); block++) {
        before.set(`${piece}.${block}`, picker.requesters(piece, block));
      }
    }
    const picks = picker.pickBlocks(peer, max);
    check(picks.length <= max, 'more picks than asked for');
    const seen = new Set<string>();
    let fresh = 0;
    for (const { piece, block } of picks) {
      const id = `${piece}.${block}`;
      check(!seen.has(id), `${id} picked twice in one call`);
      seen.add(id);
      check(peer.has(piece), `${id}: the peer lacks the piece`);
      check(!picker.has(piece), `${id}: we have the piece`);
      check(picker.piecePriority(piece) > 0, `${id}: the piece is skipped`);
      check(picker.requesters(piece, block).includes(peer.key), `${id}: not recorded as requested`);
      const earlier = before.get(id) ?? [];
      check(!earlier.includes(peer.key), `${id}: already requested from this peer`);
      // A block someone else was asked for only goes out once nothing free is left (endgame).
      if (earlier.length === 0) fresh++;
      else check(picker.inEndgame, `${id}: duplicate request outside endgame`);
      this.sent.push({ piece, block, peer: peer.key });
    }
    // A pick hands out every free block it may, up to max.
    check(fresh === Math.min(max, available), `picked ${fresh} free blocks of ${available} (max ${max})`);
  }

  receive(pick: number): void {
    const request = this.sent[pick % Math.max(1, this.sent.length)];
    if (request === undefined) return;
    const same = (s: Sent) => s.piece === request.piece && s.block === request.block;
    const result = this.picker.blockReceived(request.piece, request.block, request.peer);
    check(result.accepted, 'a requested block was refused');
    const others = this.sent.filter(same).map((s) => s.peer).filter((peer) => peer !== request.peer);
    check(
      [...result.cancel].sort().join() === others.sort().join(),
      `cancel list ${result.cancel.join()} should be ${others.join()}`,
    );
    this.sent = this.sent.filter((s) => !same(s));
    if (result.pieceComplete) this.complete.add(request.piece);
  }

  abort(pick: number): void {
    const request = this.sent[pick % Math.max(1, this.sent.length)];
    if (request === undefined) return;
    this.picker.abortRequest(request.piece, request.block, request.peer);
    this.sent = this.sent.filter((s) => s !== request);
  }

  verify(pick: number, ok: boolean): void {
    const pieces = [...this.complete];
    const piece = pieces[pick % Math.max(1, pieces.length)];
    if (piece === undefined) return;
    const inFlight = ok ? this.picker.markHave(piece) : this.picker.pieceFailed(piece);
    check(inFlight.length === this.sent.filter((s) => s.piece === piece).length, 'in-flight list is off');
    this.sent = this.sent.filter((s) => s.piece !== piece);
    this.complete.delete(piece);
  }

  announce(peer: number, piece: number): void {
    const bits = this.has[peer];
    const index = piece % this.picker.pieceCount;
    if (bits === undefined || bits[index] === true) return;
    bits[index] = true;
    this.picker.peerHasPiece(index);
  }

  peer(index: number): PickPeer {
    const peer = this.peers[index] ?? this.peers[0];
    if (peer === undefined) throw new Error('no peers');
    return peer;
  }

  /** Everything the picker keeps agrees with itself and with what the session sent. */
  audit(): void {
    this.picker.checkInvariants();
    for (const { piece, block, peer } of this.sent) {
      check(this.picker.requesters(piece, block).includes(peer), `${piece}.${block} lost requester ${peer}`);
    }
  }
}

describe('piece picker properties', () => {
  it('keeps every piece in exactly one state and picks only what it may, under any event sequence', () => {
    fc.assert(
      fc.property(world, (input) => {
        const session = new Session(input);
        for (const op of input.ops) {
          switch (op.kind) {
            case 'pick':
              session.pick(session.peer(op.peer), op.max);
              break;
            case 'receive':
              session.receive(op.pick);
              break;
            case 'abort':
              session.abort(op.pick);
              break;
            case 'verify':
              session.verify(op.pick, op.ok);
              break;
            case 'priority':
              session.picker.setPiecePriority(op.piece % session.picker.pieceCount, op.level as PiecePriority);
              break;
            case 'announce':
              session.announce(op.peer, op.piece);
              break;
            case 'sequential':
              session.picker.sequential = op.on;
              break;
          }
          session.audit();
        }
      }),
      { numRuns: 150 },
    );
  });
});
