#!/usr/bin/env node
// Benchmark (not a test) of @typetorrent/dht on its simulated network: lookup rounds, queries and time
// among 1,000 in-memory nodes (10 ms one-way latency, seeded, so every run builds the same network),
// and the memory of one node with a full routing table and a full peer store.
// Reads the built package, so build first:
//   (cd packages/dht && npm run build) && node --expose-gc tools/bench/dht-bench.mjs [--nodes 1000] [--lookups 200]
import { parseArgs } from 'node:util';
import { Dht, SeededRandom, compareDistance, idToHex, encodeKrpc } from '@typetorrent/dht';
import { ManualClock, createSimSwarm } from '@typetorrent/dht/testing';

const { values: opts } = parseArgs({
  options: { nodes: { type: 'string', default: '1000' }, lookups: { type: 'string', default: '200' } },
});
const NODES = Number(opts.nodes);
const LOOKUPS = Number(opts.lookups);
const random = new SeededRandom(4242);

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs) => quantile(xs, 0.5);
const fmt = (x, d = 1) => x.toFixed(d);

// --- lookups in a network of NODES ---------------------------------------------------------------
let t0 = performance.now();
const swarm = await createSimSwarm({ size: NODES, seed: 11 });
const buildMs = performance.now() - t0;
const allIds = swarm.nodes.map((n) => n.id);

async function measureLookups(kind) {
  const rows = { rounds: [], queries: [], simMs: [], wallMs: [], exact: 0, found: 0 };
  for (let i = 0; i < LOOKUPS; i++) {
    const from = swarm.nodes[(i * 7919) % NODES];
    const target = random.bytes(20);
    let announced;
    if (kind === 'get_peers') {
      announced = swarm.nodes[(i * 104729 + 1) % NODES];
      await swarm.run(announced.announce(target, { port: 1000 + (i % 60000) }));
    }
    const simStart = swarm.clock.now();
    const wallStart = performance.now();
    const result = await swarm.run(kind === 'find_node' ? from.findNode(target) : from.getPeers(target));
    rows.wallMs.push(performance.now() - wallStart);
    rows.simMs.push(swarm.clock.now() - simStart);
    rows.rounds.push(result.rounds);
    rows.queries.push(result.queries);
    const truth = allIds.filter((id) => id !== from.id).sort((a, b) => compareDistance(a, b, target)).slice(0, 8).map(idToHex);
    if (result.closest.map((c) => idToHex(c.node.id)).join() === truth.join()) rows.exact++;
    if (announced && result.peers.some((p) => p.port === 1000 + (i % 60000))) rows.found++;
  }
  return rows;
}

const findNode = await measureLookups('find_node');
const getPeers = await measureLookups('get_peers');

console.log(`\n### DHT lookups: ${NODES} simulated nodes (built in ${fmt(buildMs / 1000)} s), ${LOOKUPS} lookups each\n`);
console.log('| lookup | rounds median / p95 / max | queries median / p95 | simulated ms median / p95 | CPU ms per lookup (median) | exact closest 8 | announces found |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, r] of [['find_node', findNode], ['get_peers', getPeers]]) {
  console.log(`| ${name} | ${median(r.rounds)} / ${quantile(r.rounds, 0.95)} / ${Math.max(...r.rounds)} | ${median(r.queries)} / ${quantile(r.queries, 0.95)} | ` +
    `${median(r.simMs)} / ${quantile(r.simMs, 0.95)} | ${fmt(median(r.wallMs), 2)} | ${r.exact}/${LOOKUPS} | ${name === 'get_peers' ? `${r.found}/${LOOKUPS}` : '-'} |`);
}
for (const n of swarm.nodes) n.close();

// --- memory of one node with a full table and a full peer store -----------------------------------
const gc = globalThis.gc ?? (() => undefined);
function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
const before = heap();
const clock = new ManualClock(0);
let lastReply;
const node = new Dht({ clock, random, transport: { send: (bytes) => (lastReply = bytes) }, maintenanceIntervalMs: 0 });
let ipCounter = 0;
const nextAddress = () => {
  ipCounter++;
  return { host: `11.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`, port: 6881 };
};
const query = (message, from) => node.receive(encodeKrpc({ kind: 'query', t: Uint8Array.of(1), readOnly: false, ...message }), from);

// Full table: 8 nodes in every bucket down to depth 160 (ids sharing i bits with ours, then differing).
for (let bit = 0; bit < 160; bit++) {
  for (let j = 0; j < 8; j++) {
    const id = random.bytes(20);
    for (let b = 0; b < bit; b++) {
      const mask = 1 << (7 - (b & 7));
      id[b >> 3] = (id[b >> 3] & ~mask) | (node.id[b >> 3] & mask);
    }
    const mask = 1 << (7 - (bit & 7));
    id[bit >> 3] = (id[bit >> 3] & ~mask) | (~node.id[bit >> 3] & mask);
    query({ method: 'ping', id }, nextAddress());
  }
}
const afterTable = heap();
// Full peer store: announcers with tokens until every cap is reached.
const { decodeKrpc } = await import('@typetorrent/dht');
const hashes = Array.from({ length: 2000 }, () => random.bytes(20));
for (let ip = 0; node.stats.storedPeers < 20_000 && ip < 2000; ip++) {
  const from = nextAddress();
  const id = random.bytes(20);
  query({ method: 'get_peers', id, infoHash: hashes[0] }, from);
  const token = decodeKrpc(lastReply).token;
  for (let j = 0; j < 50; j++) {
    const h = hashes[(ip * 50 + j) % hashes.length];
    query({ method: 'announce_peer', id, infoHash: h, port: 1 + j, impliedPort: false, token }, { host: from.host, port: 2000 + j });
  }
  clock.advance(10_000); // let the per-IP rate limit refill
}
const afterPeers = heap();
const stats = node.stats;
console.log(`\n### Memory of one node (heap, after GC${globalThis.gc ? '' : ': run with --expose-gc for exact figures'})\n`);
console.log('| state | entries | heap |');
console.log('|---|---|---|');
console.log(`| routing table (full: 160 buckets x 8) | ${stats.nodes} nodes | ${fmt((afterTable - before) / 1024)} KiB |`);
console.log(`| peer store (full: caps reached) | ${stats.storedPeers} peers in ${stats.storedTorrents} torrents | ${fmt((afterPeers - afterTable) / 1024)} KiB |`);
console.log(`| total | | ${fmt((afterPeers - before) / 1024 / 1024, 2)} MiB |`);
node.close();
