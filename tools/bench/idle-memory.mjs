#!/usr/bin/env node
// What a session of N seeding torrents holds while it sits idle, over time: RSS and V8's heap every
// 10 s after all seed (V8's memory reducer collects the start-up's garbage only once the process
// allocates little), and optionally where the idle process still allocates (sampling heap profiler,
// objects collected by GC included). The torrents and data come from a folder load.mjs made
// (`<work>/torrents-N`, `<work>/small-data`); with `--resume DIR` the torrents start from (a copy of)
// that resume folder, without it from an empty one (every torrent checked).
//
//   node tools/bench/idle-memory.mjs --work /tmp/typetorrent-load --torrents 10000 [--resume DIR] [--seconds 90] [--alloc 10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { bundleEngine } from './lib/engine-bundle.mjs';

const { values: opts } = parseArgs({
  options: {
    work: { type: 'string', default: path.join(os.tmpdir(), 'typetorrent-load') },
    torrents: { type: 'string', default: '1000' },
    resume: { type: 'string' },
    seconds: { type: 'string', default: '90' },
    alloc: { type: 'string' },
    rev: { type: 'string' },
  },
});
const seconds = Number(opts.seconds);
if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= 600)) throw new Error('--seconds 1..600');
const torrentDir = path.join(opts.work, `torrents-${opts.torrents}`);
if (!fs.existsSync(torrentDir)) throw new Error(`${torrentDir} is missing: run load.mjs --torrents ${opts.torrents} --work ${opts.work} first`);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-idle-'));
const resumeDirectory = path.join(scratch, 'resume');
if (opts.resume === undefined) fs.mkdirSync(resumeDirectory);
else fs.cpSync(opts.resume, resumeDirectory, { recursive: true });
const engine = await import(pathToFileURL(await bundleEngine(scratch, opts.rev)).href);

const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const session = new engine.Session({ port: 0, host: '127.0.0.1' });
await session.listen();
const started = performance.now();
const torrents = [];
for (const name of fs.readdirSync(torrentDir).filter((n) => n.endsWith('.torrent'))) {
  const file = fs.readFileSync(path.join(torrentDir, name));
  torrents.push(await session.add(file, { savePath: path.join(opts.work, 'small-data'), resumeDirectory, announce: false }));
}
await Promise.all(torrents.map(async (torrent) => await torrent.whenDone()));
console.log(`${torrents.length} torrents seeding after ${((performance.now() - started) / 1000).toFixed(2)} s (${opts.resume === undefined ? 'checked' : 'from resume data'})`);

if (opts.alloc !== undefined) {
  const { Session: Inspector } = await import('node:inspector/promises');
  const inspector = new Inspector();
  inspector.connect();
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await new Promise((resolve) => setTimeout(resolve, Number(opts.alloc) * 1000));
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  const bySite = new Map();
  const walk = (node, callers) => {
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber}`;
    const site = [frame, ...callers.slice(-3).reverse()].join(' <- ');
    if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, [...callers, frame]);
  };
  walk(profile.head, []);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  console.log(`allocated while idle: ${(total / Number(opts.alloc) / 2 ** 20).toFixed(2)} MiB/s (sampled over ${opts.alloc} s); top sites:`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${(bytes / 1024).toFixed(0).padStart(8)} KiB  ${site.slice(0, 200)}`);
}

for (let s = 10; s <= seconds; s += 10) {
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const heap = v8.getHeapStatistics();
  console.log(`+${s} s: RSS ${mib(rss())} MiB, heap used ${mib(heap.used_heap_size)} of ${mib(heap.total_heap_size)} MiB`);
}
await session.close();
fs.rmSync(scratch, { recursive: true, force: true });
