import { describe, expect, test } from '@jest/globals';
import { SeededRandom } from '../env.js';
import { decodeKrpc } from '../krpc/decode.js';
import { encodeKrpc } from '../krpc/encode.js';
import type { KrpcQuery } from '../krpc/messages.js';
import { RoutingTable } from '../routing/table.js';
import { answerQuery, type HandlerContext } from './handler.js';
import { PeerStore } from './peer-store.js';
import { RateLimiter } from './rate-limit.js';
import { TOKEN_ROTATION_MS, TokenIssuer } from './tokens.js';

const random = new SeededRandom(11);
type AskQuery = KrpcQuery extends infer Q ? (Q extends KrpcQuery ? Omit<Q, 'kind' | 't' | 'readOnly'> : never) : never;
const MIN = 60_000;

describe('tokens', () => {
  test('are bound to the IP and accepted for one rotation after the one they were issued in', () => {
    const tokens = new TokenIssuer(random, 0);
    const t = tokens.issue('1.2.3.4', 0);
    expect(tokens.check(t, '1.2.3.4', 0)).toBe(true);
    expect(tokens.check(t, '1.2.3.5', 0)).toBe(false);
    expect(tokens.check(t, '1.2.3.4', TOKEN_ROTATION_MS + 1)).toBe(true);
    expect(tokens.check(t, '1.2.3.4', 2 * TOKEN_ROTATION_MS + 1)).toBe(false);
  });
});

describe('peer store', () => {
  const hash = (n: number): Uint8Array => new Uint8Array(20).fill(n);
  test('forgets announces after 30 minutes', () => {
    const store = new PeerStore();
    store.add(hash(1), { host: '1.1.1.1', port: 1 }, 0);
    expect(store.get(hash(1), 10, 29 * MIN, random)).toHaveLength(1);
    expect(store.get(hash(1), 10, 30 * MIN, random)).toHaveLength(0);
    expect(store.size).toBe(0);
  });

  test('keeps the newest peers when a torrent is full, and caps torrents, totals and IPs', () => {
    const store = new PeerStore({ maxPeersPerTorrent: 3, maxTorrents: 2, maxPeers: 5, maxPeersPerIp: 4 });
    for (let i = 1; i <= 5; i++) store.add(hash(1), { host: `2.0.0.${i}`, port: 1 }, 0);
    expect(store.get(hash(1), 10, 0, random).map((p) => p.host).sort()).toEqual(['2.0.0.3', '2.0.0.4', '2.0.0.5']);
    store.add(hash(2), { host: '3.0.0.1', port: 1 }, 0);
    expect(store.add(hash(3), { host: '3.0.0.2', port: 1 }, 0)).toBe(false); // third torrent
    for (let p = 1; p <= 6; p++) store.add(hash(2), { host: '9.9.9.9', port: p }, 0);
    expect(store.size).toBeLessThanOrEqual(5);
    const fromOneIp = store.get(hash(2), 10, 0, random).filter((p) => p.host === '9.9.9.9');
    expect(fromOneIp.length).toBeLessThanOrEqual(4);
  });

  test('a re-announce refreshes the entry instead of adding a second one', () => {
    const store = new PeerStore();
    store.add(hash(1), { host: '1.1.1.1', port: 1 }, 0);
    store.add(hash(1), { host: '1.1.1.1', port: 1 }, 20 * MIN);
    expect(store.size).toBe(1);
    expect(store.get(hash(1), 10, 40 * MIN, random)).toHaveLength(1);
  });
});

describe('rate limiter', () => {
  test('allows the burst, then the sustained rate, per IP', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 });
    const allowed = Array.from({ length: 8 }, () => limiter.allow('1.1.1.1', 0)).filter(Boolean).length;
    expect(allowed).toBe(5);
    expect(limiter.allow('2.2.2.2', 0)).toBe(true);
    expect(limiter.allow('1.1.1.1', 100)).toBe(true);
    expect(limiter.allow('1.1.1.1', 100)).toBe(false);
  });

  test('tracks a bounded number of IPs', () => {
    const limiter = new RateLimiter({ maxTracked: 100 });
    for (let i = 0; i < 1000; i++) limiter.allow(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(limiter.tracked).toBe(100);
  });
});

describe('query handler', () => {
  const ownId = random.bytes(20);
  const table = new RoutingTable(ownId);
  for (let i = 0; i < 300; i++) table.heard({ id: random.bytes(20), address: { host: `10.0.${i >> 8}.${i & 255}`, port: 6881 } }, 'response', 0);
  const ctx: HandlerContext = {
    ownId, tables: new Map([[4, table]]), peers: new PeerStore({ maxPeersPerIp: 1000 }), tokens: new TokenIssuer(random, 0), random,
    maxResponseBytes: 1400, onAnnounce: () => undefined,
  };
  const from = { host: '5.6.7.8', port: 4000 };
  const ask = (query: AskQuery) => {
    const bytes = encodeKrpc({ kind: 'query', t: Uint8Array.of(1, 2), readOnly: false, ...query } as KrpcQuery);
    const reply = answerQuery(ctx, decodeKrpc(bytes) as KrpcQuery, from, bytes.length, 0);
    return { queryBytes: bytes.length, replyBytes: reply.length, reply: decodeKrpc(reply) };
  };
  const infoHash = random.bytes(20);

  test('find_node answers with our 8 closest nodes and our view of the querier (BEP 42 ip)', () => {
    const { reply } = ask({ method: 'find_node', id: random.bytes(20), target: random.bytes(20) });
    expect(reply).toMatchObject({ kind: 'response', ip: from });
    expect(reply.kind === 'response' && reply.nodes).toHaveLength(8);
  });

  test('announce_peer needs a token from get_peers, and then the peer is served', () => {
    const id = random.bytes(20);
    const bad = ask({ method: 'announce_peer', id, infoHash, port: 7000, impliedPort: false, token: Uint8Array.of(1) });
    expect(bad.reply).toMatchObject({ kind: 'error', code: 203 });
    const first = ask({ method: 'get_peers', id, infoHash });
    const token = first.reply.kind === 'response' ? first.reply.token! : new Uint8Array();
    expect(ask({ method: 'announce_peer', id, infoHash, port: 7000, impliedPort: false, token }).reply.kind).toBe('response');
    expect(ask({ method: 'get_peers', id, infoHash }).reply).toMatchObject({ values: [{ host: '5.6.7.8', port: 7000 }] });
  });

  test('replies never exceed 3x the query plus 512 bytes, however many peers are stored', () => {
    for (let i = 0; i < 200; i++) ctx.peers.add(infoHash, { host: `20.0.${i >> 8}.${i & 255}`, port: 1 + i }, 0);
    const { queryBytes, replyBytes, reply } = ask({ method: 'get_peers', id: random.bytes(20), infoHash });
    expect(replyBytes).toBeLessThanOrEqual(queryBytes * 3 + 512);
    expect(reply.kind === 'response' && reply.values!.length).toBeGreaterThan(10);
  });

  test('an unknown method gets error 204', () => {
    expect(ask({ method: 'unknown', name: 'vote', id: random.bytes(20) }).reply).toMatchObject({ kind: 'error', code: 204 });
  });
});
