/**
 * A tiny string notation for picker scenarios (test helper, not exported by the package), in the
 * spirit of libtorrent's picker tests. One token per piece, separated by spaces:
 *
 *   availability  "1 3 3 0 2"      peers that have each piece
 *   have          "x . . x ."      x = have
 *   priority      "4 4 0 7 4"      0..7
 *   states        "x p . -"        x have, p partial, . not-started, - not-wanted  (rendered)
 *
 * A partial piece's blocks, one token per block:
 *   "."  none     "R" received     "W" written     "ab" requested from peers "a" and "b"
 *
 * A peer: "x . x x" (x = has the piece) or "*" (has all). Picks render as "piece.block" tokens.
 */
import { PiecePicker } from './piece-picker.js';
import type { PiecePickerOptions } from './piece-picker.js';
import { seededRandom } from './random.js';
import type { BlockRef, PickPeer, PiecePriority, PieceState } from './types.js';

export interface Scenario {
  /** Blocks per piece: one number for all, or one token per piece. */
  readonly blocks: number | string;
  readonly availability?: string;
  readonly have?: string;
  readonly priority?: string;
  /** Partial pieces: piece index → block tokens. */
  readonly partial?: Readonly<Record<number, string>>;
  /** Peers that have everything. */
  readonly seeds?: number;
  readonly options?: PiecePickerOptions;
  /** Seed of the tie-break generator when `options.random` is not given. */
  readonly seed?: number;
}

const tokens = (row: string): string[] => row.trim().split(/\s+/).filter((token) => token !== '');

function numbers(row: string): number[] {
  return tokens(row).map((token) => {
    const value = Number(token);
    if (!Number.isInteger(value)) throw new Error(`not a number in scenario row: "${token}"`);
    return value;
  });
}

/** Builds a picker in the described state, through the public API only. */
export function scenarioPicker(scenario: Scenario): PiecePicker {
  const blockRow =
    typeof scenario.blocks === 'number' ? undefined : numbers(scenario.blocks);
  const pieceCount =
    blockRow?.length ?? tokens(scenario.availability ?? scenario.have ?? scenario.priority ?? '').length;
  const picker = new PiecePicker(
    {
      pieceCount,
      blocksInPiece: (piece) => (blockRow === undefined ? Number(scenario.blocks) : (blockRow[piece] ?? 0)),
    },
    { random: seededRandom(scenario.seed ?? 1), ...scenario.options },
  );
  numbers(scenario.availability ?? '').forEach((count, piece) => {
    for (let i = 0; i < count; i++) picker.peerHasPiece(piece);
  });
  for (let i = 0; i < (scenario.seeds ?? 0); i++) picker.peerHasAll();
  tokens(scenario.have ?? '').forEach((token, piece) => {
    if (token === 'x') picker.markHave(piece);
  });
  for (const [pieceText, row] of Object.entries(scenario.partial ?? {})) {
    const piece = Number(pieceText);
    tokens(row).forEach((token, block) => applyBlock(picker, piece, block, token));
  }
  numbers(scenario.priority ?? '').forEach((priority, piece) => {
    picker.setPiecePriority(piece, priority as PiecePriority);
  });
  picker.checkInvariants();
  return picker;
}

function applyBlock(picker: PiecePicker, piece: number, block: number, token: string): void {
  if (token === '.') return;
  if (token === 'R' || token === 'W') {
    picker.blockReceived(piece, block, '?');
    if (token === 'W') picker.blockWritten(piece, block);
    return;
  }
  if (!/^[a-z]+$/.test(token)) throw new Error(`unknown block token "${token}"`);
  for (const peer of token) picker.markRequested(piece, block, peer);
}

const STATE_MARKS: Record<PieceState, string> = {
  have: 'x',
  partial: 'p',
  'not-started': '.',
  'not-wanted': '-',
};

/** Every piece's state, e.g. "x p . -". */
export function renderStates(picker: PiecePicker): string {
  const marks: string[] = [];
  for (let piece = 0; piece < picker.pieceCount; piece++) marks.push(STATE_MARKS[picker.pieceState(piece)]);
  return marks.join(' ');
}

/** One piece's blocks, e.g. "a R . ab". */
export function renderBlocks(picker: PiecePicker, piece: number): string {
  const marks: string[] = [];
  for (let block = 0; block < picker.blockCount(piece); block++) {
    const state = picker.blockState(piece, block);
    if (state === 'requested') marks.push([...picker.requesters(piece, block)].sort().join(''));
    else marks.push({ none: '.', received: 'R', written: 'W' }[state]);
  }
  return marks.join(' ');
}

/** A peer from a have row ("x . x") or "*" for a seed. */
export function scenarioPeer(key: string, row: string, extra: Partial<PickPeer> = {}): PickPeer {
  if (row.trim() === '*') return { key, has: () => true, hasAll: true, ...extra };
  const has = tokens(row).map((token) => token === 'x');
  return { key, has: (piece) => has[piece] ?? false, ...extra };
}

/** Picks as "piece.block" tokens in the order returned, e.g. "3.0 3.1". */
export function renderPicks(picks: readonly BlockRef[]): string {
  return picks.map(({ piece, block }) => `${piece}.${block}`).join(' ');
}

/** The distinct pieces of a pick, in first-seen order. */
export function pickedPieces(picks: readonly BlockRef[]): number[] {
  return [...new Set(picks.map(({ piece }) => piece))];
}
