import { describe, expect, test } from '@jest/globals';
import { SeededRandom, type Address } from './env.js';
import { decodeKrpc } from './krpc/decode.js';
import type { KrpcQuery } from './krpc/messages.js';
import { Rpc, type QueryResult } from './rpc.js';
import { ManualClock } from './testing/manual-clock.js';

function setup(options: { maxPending?: number } = {}) {
  const clock = new ManualClock();
  const sent: { query: KrpcQuery; to: Address }[] = [];
  const rpc = new Rpc(clock, new SeededRandom(1), { send: (bytes, to) => sent.push({ query: decodeKrpc(bytes) as KrpcQuery, to }) }, { timeoutMs: 2000, ...options });
  const results: QueryResult[] = [];
  const ping = (to: Address): void => rpc.query(to, { method: 'ping', id: new Uint8Array(20), readOnly: false }, (r) => results.push(r));
  const reply = (i: number) => ({ kind: 'response' as const, t: sent[i]!.query.t, id: new Uint8Array(20).fill(1) });
  return { clock, rpc, sent, results, ping, reply };
}
const a = { host: '10.0.0.1', port: 1 };
const b = { host: '10.0.0.2', port: 1 };

describe('Rpc', () => {
  test('a reply is accepted only from the address the query went to', () => {
    const { rpc, results, ping, reply } = setup();
    ping(a);
    expect(rpc.settle(reply(0), b)).toBe(false); // right transaction id, wrong sender
    expect(rpc.settle(reply(0), a)).toBe(true);
    expect(results).toMatchObject([{ ok: true }]);
    expect(rpc.settle(reply(0), a)).toBe(false); // a duplicate reply is not delivered twice
  });

  test('an unanswered query fails with TIMEOUT after the timeout, once', () => {
    const { clock, results, ping } = setup();
    ping(a);
    clock.advance(1999);
    expect(results).toEqual([]);
    clock.advance(1);
    expect(results.map((r) => !r.ok && r.error.code)).toEqual(['TIMEOUT']);
  });

  test('an error reply fails the query with REMOTE_ERROR and its code', () => {
    const { rpc, sent, results, ping } = setup();
    ping(a);
    rpc.settle({ kind: 'error', t: sent[0]!.query.t, code: 202, message: 'server error' }, a);
    expect(results).toMatchObject([{ ok: false, error: { code: 'REMOTE_ERROR', remoteCode: 202 } }]);
  });

  test('queries beyond the in-flight cap fail with BUSY, and close fails the rest with CLOSED', () => {
    const { rpc, results, ping } = setup({ maxPending: 2 });
    ping(a);
    ping(b);
    ping({ host: '10.0.0.3', port: 1 });
    expect(results.map((r) => !r.ok && r.error.code)).toEqual(['BUSY']);
    rpc.close();
    expect(results.map((r) => !r.ok && r.error.code)).toEqual(['BUSY', 'CLOSED', 'CLOSED']);
  });
});
