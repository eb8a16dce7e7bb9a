#!/usr/bin/env node
// The typetorrent side of the load benchmark (tools/bench/load.mjs): one session seeding every
// .torrent in a folder (and the big torrent the leechers fetch), in a process of its own so the
// parent can read its cost from /proc. Talks JSON lines on stdout; commands on stdin:
//   start  begin a measuring window (the event-loop delay histogram is reset)
//   stop   end it: prints {"event":"window","eld":{p50,p99,max}} in ms beyond the 10 ms sampling period
//   save   (with "resume":{"save":true}) wait until the periodic resume saves (every 15 s) have
//          written a record for every torrent (at most 120 s), close the session, print
//          {"event":"saved","count"} (records in the folder) and exit. Not Session.close() alone: up to
//          f6a8571, with 10,000 torrents, its saves outlast the 5 s stop timeout and none were on disk
//          when it returned (since fc0c50e it closes them 16 at a time: all 10,000 written in 3.7 s).
//   EOF    exit at once (no orderly close: saving resume data for 10,000 torrents is not measured here)
// Every torrent keeps its resume record in `resume.dir` (the Session's resumeDirectory option), so a
// later seeder on the same folder starts from it; `seeding` says how many torrents hashed data.
//
//   node load-seeder.mjs BUNDLE '{"torrents":DIR,"data":DIR,"big":{"torrent":FILE,"data":DIR}|null,"slots":N|null,"maxConnections":N,"resume":{"dir":DIR,"save":bool}}'
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { onCommands } from './read-lines.mjs';

const RESOLUTION_MS = 10;
const engine = await import(pathToFileURL(process.argv[2]).href);
const config = JSON.parse(process.argv[3]);
const emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
const session = new engine.Session({
  port: 0,
  host: '127.0.0.1',
  maxConnections: config.maxConnections,
  // Upload slots opened for the leechers: per torrent (tuning) and for the session (8 by default).
  ...(config.slots === null ? {} : { maxUploadSlots: config.slots, tuning: { uploadSlots: config.slots } }),
});
const port = await session.listen();
const started = process.hrtime.bigint();
const torrents = [];
const resumeDirectory = config.resume.dir;
let hashed = 0;
const unwatch = [];
/**
 * Counts a torrent that hashes data at start (a check with pieces to read reports progress). The
 * listener goes once all seed: a running torrent with a progress listener gets an event every tick.
 */
const watchCheck = (torrent) => {
  let counted = false;
  const onProgress = () => {
    if (counted || torrent.state !== 'checking') return;
    counted = true;
    hashed++;
  };
  torrent.on('progress', onProgress);
  unwatch.push(() => torrent.off('progress', onProgress));
  return torrent;
};
const names = fs.existsSync(config.torrents) ? fs.readdirSync(config.torrents).filter((name) => name.endsWith('.torrent')) : [];
for (const name of names) {
  torrents.push(watchCheck(await session.add(fs.readFileSync(path.join(config.torrents, name)), { savePath: config.data, resumeDirectory, announce: false })));
}
if (config.big !== null) {
  torrents.push(watchCheck(await session.add(fs.readFileSync(config.big.torrent), { savePath: config.big.data, resumeDirectory, announce: false, maxPeers: config.maxConnections })));
}
await Promise.all(torrents.map(async (torrent) => await torrent.whenDone()));
for (const off of unwatch.splice(0)) off();
const seeding = torrents.filter((torrent) => torrent.state === 'seeding').length;
emit('seeding', { port, count: torrents.length, seeding, hashed, seconds: Number(process.hrtime.bigint() - started) / 1e9 });

const records = () => fs.readdirSync(resumeDirectory).filter((name) => name.endsWith('.resume')).length;

async function saveAndExit() {
  const deadline = Date.now() + 120_000;
  while (records() < torrents.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  await session.close();
  emit('saved', { count: records() });
  process.exit(0);
}

/** A percentile of the histogram in ms, less the sampling period the histogram includes. */
const beyond = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

onCommands(
  process.stdin,
  (command) => {
    if (command === 'start') delay.reset();
    if (command === 'stop') {
      const uploaded = torrents.reduce((sum, torrent) => sum + torrent.progress().uploaded, 0);
      emit('window', { eld: { p50: beyond(delay.percentile(50)), p99: beyond(delay.percentile(99)), max: beyond(delay.max) }, uploaded, peers: torrents.reduce((sum, torrent) => sum + torrent.progress().peers, 0) });
    }
    if (command === 'save' && config.resume.save === true) void saveAndExit();
  },
  () => process.exit(0),
);
