/**
 * How much simulated swarm time a second of CPU buys, outside the test run (tests assert behaviour,
 * never time). Run from packages/engine:
 *
 *   npx esbuild src/sim/sim.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@typetorrent/source --outfile=/tmp/sim-bench.mjs && node /tmp/sim-bench.mjs
 *
 * Each case: one seed (200 KB/s up) and N leechers (50–100 KB/s up, 10–60 ms links) sharing a
 * 1 MiB torrent of 32 KiB pieces until every leecher is done. Prints simulated seconds, CPU seconds
 * (user + system, setup included) and their ratio, and the payload moved per CPU second.
 */
import { SimSwarm } from '../testing/sim/sim-swarm.js';

async function run(leechers: number, seed: number): Promise<void> {
  const started = process.cpuUsage();
  const swarm = await SimSwarm.create({ seed, size: 1024 * 1024, pieceLength: 32 * 1024 });
  await swarm.addPeer({ seed: true, network: { upload: 200_000 } });
  for (let i = 0; i < leechers; i++) {
    await swarm.addPeer({ network: { upload: 50_000 + Math.floor(swarm.random() * 50_000), download: 1_000_000, link: { latencyMs: 10 + Math.floor(swarm.random() * 50) } } });
  }
  const finished = await swarm.run(1_800_000, () => swarm.peers.every((peer) => peer.done));
  const simSeconds = swarm.elapsed / 1000;
  const moved = swarm.network.stats.bytes;
  await swarm.close();
  const used = process.cpuUsage(started);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const line = [
    `${String(leechers).padStart(3)} leechers`,
    `${simSeconds.toFixed(1).padStart(6)} s simulated`,
    `${cpuSeconds.toFixed(2).padStart(5)} s CPU`,
    `${(simSeconds / cpuSeconds).toFixed(1).padStart(5)} simulated s per CPU s`,
    `${(moved / cpuSeconds / 1e6).toFixed(1).padStart(5)} MB moved per CPU s`,
    finished ? '' : '(not finished)',
  ];
  console.log(line.join('  '));
}

for (const leechers of [10, 30, 60, 100]) await run(leechers, 1);
