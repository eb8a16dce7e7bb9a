import { describe, expect, test } from '@jest/globals';
import { SeededRandom } from '../env.js';
import { commonPrefixLength, compareDistance } from '../ids.js';
import { nodeState, QUESTIONABLE_AFTER_MS } from './node-state.js';
import { RoutingTable } from './table.js';

const rnd = new SeededRandom(7);
const ownId = new Uint8Array(20).fill(0x55);
let port = 1000;
const node = (id = rnd.bytes(20)) => ({ id, address: { host: '10.0.0.1', port: port++ } });
/** An id whose first bit differs from ownId's: always in bucket 0. */
const farId = (): Uint8Array => {
  const id = rnd.bytes(20);
  id[0] = (id[0]! & 0x7f) | 0x80;
  return id;
};
const MIN = 60_000;

describe('RoutingTable', () => {
  test('splits only the bucket holding our id, keeping at most k nodes per bucket', () => {
    const table = new RoutingTable(ownId);
    for (let i = 0; i < 2000; i++) table.heard(node(), 'response', 0);
    // Half the id space differs from ours in the first bit: that half is one bucket of 8.
    expect(table.all().filter((n) => commonPrefixLength(n.id, ownId) === 0)).toHaveLength(8);
    expect(table.size).toBeLessThanOrEqual(8 * table.bucketCount);
    expect(table.bucketCount).toBeGreaterThan(5);
    expect(table.bucketCount).toBeLessThan(20);
  });

  test('closest returns the nodes nearest the target in XOR order', () => {
    const table = new RoutingTable(ownId);
    for (let i = 0; i < 500; i++) table.heard(node(), 'response', 0);
    const target = rnd.bytes(20);
    const got = table.closest(target, 8, 0);
    const best = table.all().sort((a, b) => compareDistance(a.id, b.id, target)).slice(0, 8);
    expect(got).toEqual(best);
  });

  test('a full bucket of good nodes caches the newcomer and asks for no ping', () => {
    const table = new RoutingTable(ownId);
    for (let i = 0; i < 8; i++) table.heard(node(farId()), 'response', 0);
    expect(table.heard(node(farId()), 'response', MIN)).toEqual({ kind: 'cached', ping: undefined });
  });

  test('the least recently seen questionable node is pinged, and replaced when it fails', () => {
    const table = new RoutingTable(ownId);
    const first = node(farId());
    table.heard(first, 'response', 0);
    for (let i = 1; i < 8; i++) table.heard(node(farId()), 'response', 10 * MIN);
    const now = 16 * MIN; // only `first` is questionable
    expect(nodeState(table.find(first.id)!, now)).toBe('questionable');
    const newcomer = node(farId());
    const outcome = table.heard(newcomer, 'response', now);
    expect(outcome.kind).toBe('cached');
    expect(outcome.kind === 'cached' && outcome.ping?.id).toEqual(first.id);
    table.failed(first.id, now + 1000);
    expect(table.find(first.id)).toBeUndefined();
    expect(table.find(newcomer.id)).toBeDefined();
  });

  test('a bad node is replaced at once by the next node that shows up', () => {
    const table = new RoutingTable(ownId);
    const ids = Array.from({ length: 8 }, () => farId());
    for (const id of ids) table.heard(node(id), 'response', 0);
    table.failed(ids[3]!, 1);
    table.failed(ids[3]!, 2);
    const newcomer = node(farId());
    expect(table.heard(newcomer, 'query', 3).kind).toBe('replaced');
    expect(table.find(ids[3]!)).toBeUndefined();
  });

  test('an endpoint in the table takes a new id only by answering our query with it', () => {
    const table = new RoutingTable(ownId);
    const a = node();
    table.heard(a, 'response', 0);
    const restarted = { id: rnd.bytes(20), address: a.address };
    expect(table.heard(restarted, 'query', 1).kind).toBe('dropped'); // anyone can claim an id in a query
    expect(table.find(a.id)).toBeDefined();
    expect(table.heard(restarted, 'response', 2).kind).toBe('added');
    expect(table.find(a.id)).toBeUndefined();
    expect(table.size).toBe(1);
    expect(table.heard({ id: ownId, address: { host: '10.9.9.9', port: 1 } }, 'query', 1).kind).toBe('dropped');
  });

  test('buckets untouched for 15 minutes yield refresh targets inside their range', () => {
    const table = new RoutingTable(ownId);
    for (let i = 0; i < 200; i++) table.heard(node(), 'response', 0);
    expect(table.refreshTargets(QUESTIONABLE_AFTER_MS - 1, rnd)).toEqual([]);
    const targets = table.refreshTargets(QUESTIONABLE_AFTER_MS, rnd);
    expect(targets).toHaveLength(table.bucketCount);
    targets.slice(0, -1).forEach((t, i) => expect(commonPrefixLength(t, ownId)).toBe(i));
    expect(commonPrefixLength(targets.at(-1)!, ownId)).toBeGreaterThanOrEqual(table.bucketCount - 1);
    table.touch(targets[0]!, QUESTIONABLE_AFTER_MS);
    expect(table.refreshTargets(QUESTIONABLE_AFTER_MS, rnd)).toHaveLength(table.bucketCount - 1);
  });
});
