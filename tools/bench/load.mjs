#!/usr/bin/env node
// Load benchmark (issue 17): what one typetorrent process costs as its work grows, beside a
// python3-libtorrent process given the same work in the same run. Loopback only (127.0.0.1),
// bounded counts and time. Prints markdown tables.
//
//   node tools/bench/load.mjs                 # torrents 1..10,000; leechers 1..200; 1,000 x 200
//   node tools/bench/load.mjs --quick         # torrents 1,100,1000; leechers 1,10,50; 100 x 50; 4 s windows
//   node tools/bench/load.mjs --torrents 1000 --peers '' --combined '' --seconds 20 --rounds 3
//   node tools/bench/load.mjs --torrents 1000,10000 --peers '' --combined '' --start both --rounds 2
//   node tools/bench/load.mjs --torrents '' --peers 1,50 --combined '' --slots all,default --leecher-nice 0,10
//
// Options: --start fresh|resume|both (default fresh), --slots all|default|N[,...] (default all),
// --leecher-nice 0|N[,...] (default 0), --rounds, --seconds (window), --size (MiB of the big
// torrent), --depth (requests in flight per leecher), --warmup (s to wait for unchokes), --clients,
// --rev (bundle the engine of a git revision), --work (data folder), --json FILE (every round's raw
// figures and the medians), --quick. Lists run as variants of each scenario, interleaved per round.
//
// Each scenario starts a fresh seeder process (typetorrent: the engine source bundled with esbuild,
// no build needed; libtorrent: lib/lt_load_seeder.py), waits until all its torrents seed, then
// measures a window of --seconds, reading /proc/PID of the seeder the same way for both: CPU seconds
// of all threads, median RSS in the window, VmHWM (peak over the process's life), most open fds.
// - torrents N: N small single-file torrents seeding, no peers (idle). `all seeding` is from the
//   process start to every torrent seeding. --start fresh: no resume data, each torrent checks its
//   data; --start resume: before the rounds, a first seeder of each client starts fresh and saves
//   every torrent's resume data (typetorrent: Session.close() into the session's resumeDirectory;
//   libtorrent: save_resume_data, lt.write_resume_data_buf), and each measured seeder restarts from
//   it (lib/load-run.mjs). A window that reaches 15 s after the start (--seconds 20) holds
//   typetorrent's first periodic resume save.
// - leechers M: one 256 MiB torrent (1 MiB pieces) seeded to M leechers (lib/load-leecher.mjs, child
//   processes of their own, written with @typetorrent/peer-wire: they request 16 KiB blocks and throw
//   them away), all unchoked (--slots all: typetorrent's uploadSlots and libtorrent's
//   unchoke_slots_limit opened to M) so all download at once, or each client's own slots (--slots
//   default: typetorrent 4 + 1 optimistic per torrent, 8 per session; libtorrent 8, loopback peers
//   held to them). The window starts once as many leechers as there are slots are unchoked (or after
//   --warmup seconds). CPU s/GiB = seeder CPU over the bytes the leechers got. --leecher-nice N runs
//   the leecher processes under nice -n N (both clients alike): on 2 cores they otherwise take the
//   seeder's CPU for whole scheduler slices, which shows as event-loop delay the seeder did not cause.
// - combined NxM: N small torrents plus the big one with M leechers.
// typetorrent's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms sampling, p50/p99/max of
// the window, less the sampling period) is reported by the seeder itself; an idle Node process
// measuring its own delay in the same window (lib/eld-probe.mjs, at the seeder's priority) shows
// what the machine adds. `preempted /s`: the seeder's involuntary context switches over the window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleEngine, describeTree } from './lib/engine-bundle.mjs';
import { bigTorrent, smallTorrents } from './lib/load-data.mjs';
import { loadOptions, scenarioGroups, variantKey } from './lib/load-options.mjs';
import { idleTable, perPeerLines, peersTable } from './lib/load-report.mjs';
import { primeResume, runScenario } from './lib/load-run.mjs';
import { median } from './lib/measure.mjs';

const plan = loadOptions(process.argv.slice(2));
const log = (...a) => console.error('[load]', ...a);

/** Medians over rounds of every numeric field (event-loop delay too); the last round's text fields. */
function medianOf(runs) {
  if (runs.length === 0) return undefined;
  const out = { ...runs.at(-1), rounds: runs.length };
  for (const key of Object.keys(out)) if (typeof out[key] === 'number' && key !== 'rounds') out[key] = median(runs.map((r) => r[key]));
  for (const key of ['eld', 'probe']) if (runs[0][key] !== undefined) out[key] = Object.fromEntries(Object.keys(runs[0][key]).map((k) => [k, median(runs.map((r) => r[key]?.[k]))]));
  return out;
}

const describe = (r) => `start ${r.startSeconds.toFixed(2)} s (${r.resumed} from resume data, ${r.records} records), cpu ${r.cpu.toFixed(2)} s, rss ${r.rssMiB.toFixed(0)} MiB, fds ${r.fds}, ${(r.bytes / 1e6 / r.wall).toFixed(0)} MB/s, receiving ${r.receiving} (connected ${r.connected}, unchoked ${r.unchoked}, closed ${r.closed} at start), preempted ${r.preemptedAll.toFixed(0)}/s${r.eld ? `, eld p99 ${r.eld.p99.toFixed(1)} ms` : ''}`;

/** Every variant of one (n, m) group, `plan.rounds` times, clients and variants interleaved (order reversed every other round). */
async function runGroup(bundle, data, group) {
  const runs = new Map(group.variants.map((v) => [variantKey(v), Object.fromEntries(plan.clients.map((c) => [c, []]))]));
  const errors = new Map(group.variants.map((v) => [variantKey(v), {}]));
  const primed = [];
  if (group.variants.some((v) => v.start === 'resume')) {
    for (const client of plan.clients) {
      try {
        const p = await primeResume(plan, client, bundle, data, group.n, group.m);
        log(`${client}: resume data of ${group.n} torrents, ${group.m} leechers written: ${p.count} records in ${p.seconds.toFixed(1)} s`);
        primed.push({ client, ...p });
      } catch (error) {
        log(`${client}: writing resume data FAILED ${error.message}`);
        for (const v of group.variants) if (v.start === 'resume') errors.get(variantKey(v))[client] = `resume data: ${error.message}`;
      }
    }
  }
  for (let round = 1; round <= plan.rounds; round++) {
    const steps = group.variants.flatMap((v) => plan.clients.map((client) => ({ v, client })));
    for (const { v, client } of round % 2 === 1 ? steps : steps.reverse()) {
      const key = variantKey(v);
      if (errors.get(key)[client] !== undefined) continue;
      log(`${client}: ${v.n} torrents, ${v.m} leechers, ${key}, round ${round}/${plan.rounds} ...`);
      try {
        const r = await runScenario(plan, client, bundle, data, v);
        log(`${client}: ${describe(r)}`);
        runs.get(key)[client].push(r);
      } catch (error) {
        errors.get(key)[client] = error.message;
        log(`${client}: FAILED ${error.message}`);
      }
    }
  }
  return {
    primed,
    rows: group.variants.map((v) => {
      const key = variantKey(v);
      return { ...v, by: Object.fromEntries(plan.clients.map((c) => [c, medianOf(runs.get(key)[c])])), rounds: runs.get(key), errors: errors.get(key) };
    }),
  };
}

async function main() {
  fs.mkdirSync(plan.work, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-load-bundle-'));
  try {
    const bundle = await bundleEngine(scratch, plan.rev);
    const engine = await import(bundle);
    const tree = plan.rev ?? describeTree();
    const groups = scenarioGroups(plan);
    const big = groups.some((g) => g.m > 0) ? await bigTorrent(engine, plan.work, plan.sizeMiB) : undefined;
    const results = [];
    const primed = [];
    const began = new Date().toISOString();
    for (const group of groups) {
      const data = { big, small: group.n > 0 ? await smallTorrents(engine, plan.work, group.n) : undefined };
      const out = await runGroup(bundle, data, group);
      results.push(...out.rows);
      primed.push(...out.primed.map((p) => ({ n: group.n, m: group.m, ...p })));
    }
    const ended = new Date().toISOString();
    const load = os.loadavg();
    const heading = `Load benchmark: engine at ${tree}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${began} to ${ended}, load average ${load.map((x) => x.toFixed(1)).join(' ')} at the end. Medians of ${plan.rounds} round(s), clients and variants interleaved; ${plan.seconds} s windows; leecher queue ${plan.depth} blocks; big torrent ${plan.sizeMiB} MiB.`;
    const primedLines = primed.map((p) => `- resume data written for ${p.n} torrents + ${p.m > 0 ? 'the big one' : 'none'} by ${p.client}: ${p.count} records, ${p.seconds.toFixed(1)} s (fresh start, then save)`);
    console.log([heading, '', idleTable(results.filter((r) => r.m === 0)), '', peersTable(results.filter((r) => r.m > 0)), '', ...perPeerLines(results.filter((r) => r.n === 0 && r.m > 0)), ...primedLines].join('\n'));
    if (plan.json !== undefined) {
      fs.writeFileSync(plan.json, `${JSON.stringify({ tree, node: process.version, began, ended, loadavg: load, plan, primed, results }, null, 1)}\n`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
