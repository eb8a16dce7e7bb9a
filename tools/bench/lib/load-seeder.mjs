#!/usr/bin/env node
// The typetorrent side of the load benchmark (tools/bench/load.mjs): one session seeding every
// .torrent in a folder (and the big torrent the leechers fetch), in a process of its own so the
// parent can read its cost from /proc. Talks JSON lines on stdout; commands on stdin:
//   start  begin a measuring window (the event-loop delay histogram is reset)
//   stop   end it: prints {"event":"window","eld":{p50,p99,max}} in ms beyond the 10 ms sampling period
//   EOF    exit at once (no orderly close: saving resume data for 10,000 torrents is not measured here)
//
//   node load-seeder.mjs BUNDLE '{"torrents":DIR,"data":DIR,"big":{"torrent":FILE,"data":DIR}|null,"slots":N|null,"maxConnections":N}'
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
const names = fs.existsSync(config.torrents) ? fs.readdirSync(config.torrents).filter((name) => name.endsWith('.torrent')) : [];
for (const name of names) {
  torrents.push(await session.add(fs.readFileSync(path.join(config.torrents, name)), { savePath: config.data, announce: false }));
}
if (config.big !== null) {
  torrents.push(await session.add(fs.readFileSync(config.big.torrent), { savePath: config.big.data, announce: false, maxPeers: config.maxConnections }));
}
await Promise.all(torrents.map(async (torrent) => await torrent.whenDone()));
const seeding = torrents.filter((torrent) => torrent.state === 'seeding').length;
emit('seeding', { port, count: torrents.length, seeding, seconds: Number(process.hrtime.bigint() - started) / 1e9 });

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
  },
  () => process.exit(0),
);
