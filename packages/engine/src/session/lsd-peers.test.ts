// Peers found through Local Service Discovery alone (BEP 14): two sessions with no tracker, no DHT
// and no peer given find each other by multicast on `lo` and a magnet link downloads byte for byte.
// Multicast needs a network of its own: the sessions run in a child process inside a fresh network
// namespace whose only interface is `lo` with a route for 239.0.0.0/8, so nothing leaves the machine
// and other clients' LSD traffic cannot reach the test. Needs root and iproute2 (`ip`); without them
// the test is skipped with the reason, and under CI it fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from '@jest/globals';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { deleteNamespace, inNamespace, isCI, makeLoopbackNamespace, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture } from '../testing/fixtures.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const NAMESPACE = `tt-lsd-${process.pid}`;

/** The child: a seeder and a leecher, both with LSD only; prints JSON lines and exits when the leecher is done. */
const CHILD = `
import { readFile } from 'node:fs/promises';
const [dist, torrentPath, seedPath, magnet, savePath] = process.argv.slice(2);
const { Session } = await import(dist);
const print = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
const seeder = new Session({ port: 0, lsd: {}, hashThreads: 0 });
const leecher = new Session({ port: 0, lsd: {}, hashThreads: 0 });
for (const [name, s] of [['seeder', seeder], ['leecher', leecher]]) s.on('warning', (w) => print({ event: 'warning', name, message: w.message }));
const seeding = await seeder.add(await readFile(torrentPath), { savePath: seedPath });
await seeding.whenDone();
print({ event: 'seeding', port: seeder.port });
const torrent = await leecher.add(magnet, { savePath });
torrent.on('peer', (e) => { if (e.type === 'connect') print({ event: 'connect', key: e.peer.key }); });
await torrent.whenDone();
print({ event: 'done', leecherPort: leecher.port, verifiedBytes: torrent.progress().verifiedBytes });
await Promise.all([seeder.close(), leecher.close()]);
`;

const dirs: string[] = [];
const unavailable = makeLoopbackNamespace(NAMESPACE);

afterAll(async () => {
  if (unavailable === undefined) deleteNamespace(NAMESPACE);
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

interface ChildEvent {
  readonly event: 'warning' | 'seeding' | 'connect' | 'done';
  readonly port?: number;
  readonly key?: string;
  readonly leecherPort?: number;
  readonly verifiedBytes?: number;
  readonly message?: string;
}

async function runChild(args: readonly string[]): Promise<{ events: ChildEvent[]; code: number | null; stderr: string }> {
  const child = spawn('ip', inNamespace(NAMESPACE, [process.execPath, ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const events = stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ChildEvent);
  return { events, code, stderr };
}

if (unavailable !== undefined && !isCI()) {
  it.skip(`LSD between two sessions in a network namespace: skipped, ${unavailable}`, () => undefined);
} else {
  it('two sessions with no tracker, DHT or peer find each other by LSD and a magnet link downloads', async () => {
    if (unavailable !== undefined) throw new Error(`under CI the LSD test needs a network namespace: ${unavailable}`);
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build the engine first (npm test at the root builds every package)`);
    const fixture = await makeFixture({ name: 'lsd', seed: 14, trackers: [] });
    dirs.push(fixture.dir);
    const torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
    const target = await makeTempDir('typetorrent-lsd-');
    dirs.push(target);
    const script = path.join(target, '..', `lsd-child-${process.pid}.mjs`);
    fs.writeFileSync(script, CHILD);
    const magnet = formatMagnet({ ...metainfoToMagnet(fixture.metainfo), trackers: [] });
    try {
      const { events, code, stderr } = await runChild([script, DIST, torrentPath, fixture.dir, magnet, target]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const seederPort = events.find((e) => e.event === 'seeding')?.port;
      expect(events.filter((e) => e.event === 'warning')).toEqual([]);
      expect(events.filter((e) => e.event === 'connect').map((e) => e.key)).toContain(`127.0.0.1:${seederPort}`);
      expect(events.find((e) => e.event === 'done')?.verifiedBytes).toBe(fixture.metainfo.totalLength);
    } finally {
      fs.rmSync(script, { force: true });
    }
    expect(await differences(fixture, target)).toEqual([]);
  }, 60_000);
}
