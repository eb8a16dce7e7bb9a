import { describe, expect, test } from '@jest/globals';
import { SeededRandom } from '../env.js';
import { compareDistance, idToHex } from '../ids.js';
import type { NodeInfo } from '../krpc/compact.js';
import { ManualClock } from '../testing/manual-clock.js';
import { DhtError } from '../errors.js';
import { Lookup, type LookupLimits, type LookupResult } from './lookup.js';
import type { QueryResult } from '../rpc.js';

const random = new SeededRandom(21);

/** A scripted world: every node knows `degree` random others and answers after 10 ms (or never). */
function world(size: number, degree: number, silent = new Set<number>()) {
  const nodes: NodeInfo[] = Array.from({ length: size }, (_, i) => ({
    id: random.bytes(20), address: { host: `10.0.${i >> 8}.${i & 255}`, port: 1 },
  }));
  const knows = nodes.map(() => Array.from({ length: degree }, () => nodes[Math.floor((random.bytes(1)[0]! / 256) * size)]!));
  return { nodes, knows, silent };
}

function run(w: ReturnType<typeof world>, target: Uint8Array, limits: LookupLimits = {}) {
  const clock = new ManualClock();
  let inFlight = 0;
  let maxInFlight = 0;
  const asked: string[] = [];
  let result: LookupResult | undefined;
  const lookup = new Lookup({
    target, method: 'find_node',
    accept: () => true,
    send: (node: NodeInfo, done: (r: QueryResult) => void) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      asked.push(idToHex(node.id));
      const index = w.nodes.indexOf(node);
      clock.setTimeout(() => {
        inFlight--;
        if (w.silent.has(index)) done({ ok: false, error: new DhtError('TIMEOUT', 'silent') });
        else done({ ok: true, response: { kind: 'response', t: new Uint8Array(2), id: node.id, nodes: w.knows[index]! } });
      }, w.silent.has(index) ? 2000 : 10);
    },
    onDone: (r) => (result = r),
  }, limits);
  lookup.start(w.nodes.slice(0, 8));
  clock.runUntil(() => result !== undefined);
  return { result: result!, asked, maxInFlight };
}

describe('Lookup', () => {
  test('keeps 3 queries in flight at most and asks no node twice', () => {
    const w = world(400, 30);
    const { result, asked, maxInFlight } = run(w, random.bytes(20));
    expect(maxInFlight).toBe(3);
    expect(new Set(asked).size).toBe(asked.length);
    expect(result.queries).toBe(asked.length);
  });

  test('ends on the closest 8 nodes that answered, closest first', () => {
    const w = world(400, 60);
    const target = random.bytes(20);
    const { result } = run(w, target);
    const ids = result.closest.map((c) => c.node.id);
    expect(ids).toHaveLength(8);
    expect([...ids].sort((a, b) => compareDistance(a, b, target))).toEqual(ids);
  });

  test('nodes that time out are left out of the result', () => {
    const silent = new Set(Array.from({ length: 200 }, (_, i) => i * 2));
    const w = world(400, 40, silent);
    const { result } = run(w, random.bytes(20));
    for (const c of result.closest) expect(silent.has(w.nodes.indexOf(c.node as NodeInfo))).toBe(false);
  });

  test('stops at the query and round limits', () => {
    const w = world(400, 40);
    expect(run(w, random.bytes(20), { maxQueries: 5 }).result.queries).toBe(5);
    expect(run(w, random.bytes(20), { maxRounds: 1 }).result.rounds).toBe(1);
  });

  test('with no seeds it ends at once with nothing', () => {
    let result: LookupResult | undefined;
    new Lookup({ target: random.bytes(20), method: 'get_peers', accept: () => true, send: () => undefined, onDone: (r) => (result = r) }).start([]);
    expect(result).toMatchObject({ closest: [], peers: [], queries: 0 });
  });
});
