#!/usr/bin/env node
// Reads V8 heap snapshots (from `scale.mjs --heap-snapshots`) and says what one torrent costs: a
// diagnostic for issue 17, not a benchmark. Two views:
// - by kind: self sizes grouped by constructor (or node type), the "after" snapshot minus "before",
//   divided by --per (the torrents added between them). Counts what the session holds for a torrent
//   outside the Torrent object too (maps keyed by info-hash, listeners, timers).
// - retained by one --root object (default Torrent): its dominator subtree (what freeing it would
//   free), split by the path of properties from it, --depth steps deep, averaged over the instances.
//
//   node tools/bench/heap-summary.mjs /tmp/snaps/resume-1000-after.heapsnapshot /tmp/snaps/resume-1000-before.heapsnapshot --per 1000
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    per: { type: 'string', default: '1' },
    root: { type: 'string', default: 'Torrent' },
    depth: { type: 'string', default: '3' },
    top: { type: 'string', default: '45' },
  },
});
if (positionals.length === 0) {
  console.error('usage: heap-summary.mjs <after.heapsnapshot> [before.heapsnapshot] [--per N] [--root Class] [--depth D]');
  process.exit(2);
}
const per = Number(opts.per);
const top = Number(opts.top);

function load(file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const meta = json.snapshot.meta;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const nodes = json.nodes;
  const edges = json.edges;
  const strings = json.strings;
  const count = nodes.length / nodeFieldCount;
  const f = (name) => meta.node_fields.indexOf(name);
  const [typeAt, nameAt, sizeAt, edgeCountAt] = [f('type'), f('name'), f('self_size'), f('edge_count')];
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0, e = 0; n < count; n++) {
    firstEdge[n] = e;
    e += nodes[n * nodeFieldCount + edgeCountAt] * edgeFieldCount;
    firstEdge[n + 1] = e;
  }
  return {
    count,
    type: (n) => nodeTypes[nodes[n * nodeFieldCount + typeAt]],
    name: (n) => strings[nodes[n * nodeFieldCount + nameAt]],
    size: (n) => nodes[n * nodeFieldCount + sizeAt],
    /** Calls visit(to, edgeType, edgeName) for each edge of n. */
    edgesOf(n, visit) {
      for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += edgeFieldCount) {
        const type = edgeTypes[edges[e]];
        const nameOrIndex = edges[e + 1];
        const label = type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : strings[nameOrIndex];
        visit(edges[e + 2] / nodeFieldCount, type, label);
      }
    },
  };
}

/** A label for grouping: objects by constructor, the rest by node type (strings, code, arrays by name). */
function kind(snap, n) {
  const type = snap.type(n);
  const name = snap.name(n);
  if (type === 'object' || type === 'closure' || type === 'native') return type === 'closure' ? '(closure)' : name;
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
  if (type === 'array') return `(array ${name})`;
  if (type === 'hidden' || type === 'object shape') return `(${type} ${name.replace(/[0-9]+/g, '#').slice(0, 40)})`;
  return `(${type} ${name.slice(0, 30)})`;
}

function byKind(snap) {
  const sizes = new Map();
  for (let n = 0; n < snap.count; n++) {
    const key = kind(snap, n);
    const entry = sizes.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.size(n);
    entry.count++;
    sizes.set(key, entry);
  }
  return sizes;
}

/** Immediate dominators (Cooper, Harvey, Kennedy), weak edges ignored; node 0 is the root. */
function dominators(snap) {
  const { count } = snap;
  const order = new Int32Array(count).fill(-1); // postorder number
  const post = new Uint32Array(count);
  let next = 0;
  // Iterative DFS for the postorder.
  const stack = [0];
  const cursor = new Map();
  const seen = new Uint8Array(count);
  seen[0] = 1;
  const children = (n) => {
    const list = [];
    snap.edgesOf(n, (to, type) => {
      if (type !== 'weak') list.push(to);
    });
    return list;
  };
  while (stack.length > 0) {
    const n = stack.at(-1);
    let state = cursor.get(n);
    if (state === undefined) cursor.set(n, (state = { list: children(n), at: 0 }));
    if (state.at < state.list.length) {
      const to = state.list[state.at++];
      if (!seen[to]) {
        seen[to] = 1;
        stack.push(to);
      }
    } else {
      stack.pop();
      cursor.delete(n);
      order[n] = next;
      post[next++] = n;
    }
  }
  // Predecessors (CSR) of reachable nodes.
  const predCount = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) if (order[n] >= 0) snap.edgesOf(n, (to, type) => type !== 'weak' && predCount[to + 1]++);
  for (let n = 0; n < count; n++) predCount[n + 1] += predCount[n];
  const preds = new Uint32Array(predCount[count]);
  const fill = predCount.slice(0, count);
  for (let n = 0; n < count; n++) if (order[n] >= 0) snap.edgesOf(n, (to, type) => type !== 'weak' && (preds[fill[to]++] = n));
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a, b) => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a];
      while (order[b] < order[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = next - 2; i >= 0; i--) {
      const n = post[i];
      let best = -1;
      for (let p = predCount[n]; p < predCount[n + 1]; p++) {
        const pred = preds[p];
        if (idom[pred] === -1) continue;
        best = best === -1 ? pred : intersect(pred, best);
      }
      if (best !== -1 && idom[n] !== best) {
        idom[n] = best;
        changed = true;
      }
    }
  }
  return idom;
}

function rootBreakdown(snap) {
  const idom = dominators(snap);
  const roots = [];
  for (let n = 0; n < snap.count; n++) if (snap.type(n) === 'object' && snap.name(n) === opts.root) roots.push(n);
  if (roots.length === 0) return;
  // Dominator tree children (CSR).
  const childCount = new Uint32Array(snap.count + 1);
  for (let n = 1; n < snap.count; n++) if (idom[n] >= 0 && idom[n] !== n) childCount[idom[n] + 1]++;
  for (let n = 0; n < snap.count; n++) childCount[n + 1] += childCount[n];
  const kids = new Uint32Array(childCount[snap.count]);
  const fill = childCount.slice(0, snap.count);
  for (let n = 1; n < snap.count; n++) if (idom[n] >= 0 && idom[n] !== n) kids[fill[idom[n]]++] = n;
  const depth = Number(opts.depth);
  const labels = new Map();
  let total = 0;
  for (const root of roots) {
    const stack = [[root, '', 0]];
    while (stack.length > 0) {
      const [n, label, level] = stack.pop();
      total += snap.size(n);
      labels.set(label, (labels.get(label) ?? 0) + snap.size(n));
      if (childCount[n] === childCount[n + 1]) continue;
      // Name each dominated child by the edge from n to it, when there is one (else by its kind).
      const names = new Map();
      if (level < depth) snap.edgesOf(n, (to, type, name) => !names.has(to) && names.set(to, type === 'element' ? '[]' : name));
      for (let k = childCount[n]; k < childCount[n + 1]; k++) {
        const child = kids[k];
        const childLabel = level < depth ? `${label}${label === '' ? '' : '.'}${names.get(child) ?? '~'}:${kind(snap, child)}` : label;
        stack.push([child, childLabel, Math.min(level + 1, depth)]);
      }
    }
  }
  // What no root dominates, by its own kind and its immediate dominator's: the per-torrent cost kept
  // outside the Torrent (session maps, shared closures) shows up as counts near the roots' count.
  const under = new Uint8Array(snap.count);
  for (const root of roots) {
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop();
      under[n] = 1;
      for (let k = childCount[n]; k < childCount[n + 1]; k++) stack.push(kids[k]);
    }
  }
  const outside = new Map();
  for (let n = 0; n < snap.count; n++) {
    if (under[n] || idom[n] < 0) continue;
    const key = `${kind(snap, n)} in ${kind(snap, idom[n])}`;
    const entry = outside.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.size(n);
    entry.count++;
    outside.set(key, entry);
  }
  console.log(`\nNot retained by any ${opts.root}, by kind and the kind of its immediate dominator (per ${opts.root}):\n`);
  console.log('| bytes | objects | kind in dominator |\n|---|---|---|');
  for (const [key, { size, count }] of [...outside].sort((a, b) => b[1].size - a[1].size).slice(0, top)) console.log(`| ${(size / roots.length).toFixed(0)} | ${(count / roots.length).toFixed(2)} | ${key} |`);
  console.log(`\nRetained by one ${opts.root} (average of ${roots.length}): ${(total / roots.length).toFixed(0)} bytes\n`);
  console.log('| bytes per torrent | path from it (property:kind) |\n|---|---|');
  for (const [label, size] of [...labels].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${(size / roots.length).toFixed(0)} | ${label === '' ? '(itself)' : label} |`);
}

const after = load(positionals[0]);
const afterKinds = byKind(after);
const beforeKinds = positionals[1] === undefined ? new Map() : byKind(load(positionals[1]));
const rows = [];
let sum = 0;
for (const [key, { size, count }] of afterKinds) {
  const before = beforeKinds.get(key) ?? { size: 0, count: 0 };
  const delta = size - before.size;
  sum += delta;
  rows.push([key, delta, count - before.count]);
}
console.log(`Self size by kind, ${positionals[1] === undefined ? '' : 'after minus before, '}per ${per}: ${(sum / per).toFixed(0)} bytes in all\n`);
console.log('| bytes per torrent | objects per torrent | kind |\n|---|---|---|');
for (const [key, delta, count] of rows.sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${(delta / per).toFixed(0)} | ${(count / per).toFixed(2)} | ${key} |`);
rootBreakdown(after);
