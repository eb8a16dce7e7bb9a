// Local Service Discovery (BEP 14) against python3-libtorrent, with no tracker, DHT or given peer:
// each side must read the other's BT-SEARCH announces. Multicast needs a network of its own, so our
// session runs in a child process and libtorrent in another, both inside a fresh network namespace
// with multicast routed on `lo` (testkit's netns.ts). libtorrent's session log says which announces
// it read; ours started first can be found by libtorrent only if we read its announce and dial it
// (ours went out before it listened). Byte for byte, within 60 s each.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from '@jest/globals';
import { formatMagnet, metainfoToMagnet, type Metainfo } from '@typetorrent/metainfo';
import { deleteNamespace, describeWithTools, inNamespace, isCI, makeLoopbackNamespace, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture } from '../testing/fixtures.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';
import { jsonLineChild } from '../testing/json-line-child.js';
import { startLtDiscoveryPeer, type LtDiscoveryPeer } from '../testing/lt-discovery-peer.js';

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const NAMESPACE = `tt-lsd-lt-${process.pid}`;

/** Our side: one session with LSD only, seeding a .torrent or downloading a magnet; JSON lines out. */
const CHILD = `
import { readFile } from 'node:fs/promises';
const [dist, mode, source, savePath] = process.argv.slice(2);
const { Session } = await import(dist);
const print = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
const session = new Session({ port: 0, lsd: {}, hashThreads: 0 });
session.on('warning', (w) => print({ event: 'warning', message: w.message }));
const torrent = await session.add(mode === 'seed' ? await readFile(source) : source, { savePath });
torrent.on('peer', (e) => { if (e.type === 'connect') print({ event: 'connect', key: e.peer.key, direction: e.peer.direction }); });
await torrent.whenDone();
print({ event: mode === 'seed' ? 'seeding' : 'done', port: session.port, verifiedBytes: torrent.progress().verifiedBytes });
if (mode === 'seed') await new Promise((resolve) => { process.stdin.on('end', resolve); process.stdin.resume(); });
await session.close();
`;

interface OurEvent {
  readonly event: 'warning' | 'connect' | 'seeding' | 'done';
  readonly key?: string;
  readonly direction?: 'in' | 'out';
  readonly port?: number;
  readonly verifiedBytes?: number;
  readonly message?: string;
}

interface OurSide {
  readonly events: OurEvent[];
  waitFor(kind: OurEvent['event']): Promise<OurEvent>;
  /** Rejects if the child exits before stop() (a seed should not). */
  exitedEarly(): Promise<never>;
  stop(): Promise<void>;
}

function startOurSide(script: string, mode: 'seed' | 'leech', source: string, savePath: string): OurSide {
  const child = spawn('ip', inNamespace(NAMESPACE, [process.execPath, script, DIST, mode, source, savePath]), { stdio: ['pipe', 'pipe', 'pipe'] });
  const side = jsonLineChild<OurEvent>(child, 'our side');
  let stopping = false;
  return {
    events: side.events,
    waitFor: async (kind) => await side.waitFor(kind),
    exitedEarly: () =>
      side.closed.then((stderr) => {
        throw new Error(`our side exited${stopping ? '' : ' early'}; stderr: ${stderr}`);
      }),
    async stop() {
      stopping = true;
      await side.stop();
    },
  };
}

function trackerlessMagnet(metainfo: Metainfo): string {
  return formatMagnet({ ...metainfoToMagnet(metainfo), trackers: [] });
}

describeWithTools(['python3-libtorrent'], 'LSD interop with libtorrent in a network namespace', () => {
  const unavailable = makeLoopbackNamespace(NAMESPACE);
  const dirs: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  let script = '';

  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
    if (unavailable === undefined) deleteNamespace(NAMESPACE);
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  async function prepare(name: string, seed: number): Promise<{ fixture: Awaited<ReturnType<typeof makeFixture>>; target: string }> {
    if (unavailable !== undefined) throw new Error(`under CI the LSD interop test needs a network namespace: ${unavailable}`);
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build the engine first (npm test at the root builds every package)`);
    const fixture = await makeFixture({ name, seed });
    dirs.push(fixture.dir);
    const target = await makeTempDir('typetorrent-lsd-lt-');
    dirs.push(target);
    if (script === '') {
      script = path.join(target, 'our-side.mjs');
      fs.writeFileSync(script, CHILD);
    }
    return { fixture, target };
  }

  const run = unavailable !== undefined && !isCI() ? it.skip : it;
  const skipped = unavailable === undefined || isCI() ? '' : ` (skipped: ${unavailable})`;

  run(`a libtorrent seeder reads our leecher's announce; our magnet downloads from it${skipped}`, async () => {
    const { fixture, target } = await prepare('lsd-lt-seed', 71);
    const torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
    const seeder: LtDiscoveryPeer = startLtDiscoveryPeer({ savePath: fixture.dir, lsd: true, netns: NAMESPACE, source: { torrentPath } });
    stops.push(() => seeder.stop());
    await seeder.waitFor('seeding');
    await seeder.waitFor('lsd_announced');

    const leecher = startOurSide(script, 'leech', trackerlessMagnet(fixture.metainfo), target);
    stops.push(() => leecher.stop());
    // Together, so that our side dying fails the test at once.
    const [heard, done] = await Promise.all([seeder.waitFor('lsd_heard'), leecher.waitFor('done')]);
    expect(done.verifiedBytes).toBe(fixture.metainfo.totalLength);
    // libtorrent read our announce (its log names our port and the torrent), and so found us.
    expect(heard).toMatchObject({ address: `127.0.0.1:${done.port}`, infoHash: fixture.metainfo.infoHashHex });
    expect(leecher.events.filter((e) => e.event === 'warning')).toEqual([]);
    expect(await differences(fixture, target)).toEqual([]);
  }, 60_000);

  run(`our seeder started first hears libtorrent's announce and dials it; libtorrent downloads the magnet${skipped}`, async () => {
    const { fixture, target } = await prepare('lsd-lt-leech', 72);
    const torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
    const seeder = startOurSide(script, 'seed', torrentPath, fixture.dir);
    stops.push(() => seeder.stop());
    await seeder.waitFor('seeding');

    const leecher = startLtDiscoveryPeer({ savePath: target, lsd: true, netns: NAMESPACE, source: { magnet: trackerlessMagnet(fixture.metainfo) } });
    stops.push(() => leecher.stop());
    const { port } = await leecher.waitFor('listening');
    await Promise.race([leecher.waitFor('finished'), seeder.exitedEarly()]);
    expect(seeder.events.filter((e) => e.event === 'connect' && e.direction === 'out').map((e) => e.key)).toContain(`127.0.0.1:${port}`);
    expect(seeder.events.filter((e) => e.event === 'warning')).toEqual([]);
    expect(await differences(fixture, target)).toEqual([]);
  }, 60_000);
});
