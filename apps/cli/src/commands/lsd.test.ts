// LSD (BEP 14) through the built binary: `seed` and `download` find each other on the local network
// with no tracker, DHT or --peer, because LSD is on by default. Multicast stays inside a network
// namespace of the test's own (testkit's makeLoopbackNamespace; root and iproute2, else skipped, and
// a failure under CI). Outside it, LSD stays off (TYPETORRENT_LSD=off) and `--no-lsd` is checked.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { deleteNamespace, deterministicBytes, isCI, makeLoopbackNamespace, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { cli, jsonLines, requireBuiltCli, waitFor } from '../testing/cli-process.js';

const NAMESPACE = `tt-cli-lsd-${process.pid}`;
const unavailable = makeLoopbackNamespace(NAMESPACE);
let work = '';

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('cli-lsd-');
});

afterAll(async () => {
  if (unavailable === undefined) deleteNamespace(NAMESPACE);
  await removeTempDir(work);
});

const inNamespace = unavailable !== undefined && !isCI() ? test.skip : test;

inNamespace(`download finds a seed by LSD alone, on by default${unavailable === undefined || isCI() ? '' : ` (skipped: ${unavailable})`}`, async () => {
  if (unavailable !== undefined) throw new Error(`under CI this test needs a network namespace: ${unavailable}`);
  const content = path.join(work, 'seeded', 'lsd.bin');
  fs.mkdirSync(path.dirname(content), { recursive: true });
  const data = deterministicBytes(700_000, 14);
  fs.writeFileSync(content, data);
  const created = await createTorrentFromPath(content, { pieceLength: 32 * 1024 });
  const torrentPath = path.join(work, 'lsd.torrent');
  fs.writeFileSync(torrentPath, created.torrent);
  const magnet = formatMagnet({ ...metainfoToMagnet(created.metainfo), trackers: [] });

  const seed = cli(['seed', torrentPath, content, '--port', '0', '--no-dht', '--json', '--state-dir', path.join(work, 'state-seed')], { netns: NAMESPACE, lsd: true, timeoutMs: 60_000 });
  await waitFor(() => jsonLines(seed.stdoutSoFar()), (lines) => lines.some((l) => l.type === 'seeding'), 'the seed line', 30_000);
  const out = path.join(work, 'out');
  const download = await cli(['download', magnet, '-o', out, '--port', '0', '--no-dht', '--json'], { netns: NAMESPACE, lsd: true, timeoutMs: 50_000 });
  seed.interrupt();
  await seed;
  expect(download.stderr).toBe('');
  expect(download.code).toBe(0);
  expect(jsonLines(download.stdout).filter((l) => l.type === 'warning')).toEqual([]);
  expect(Buffer.compare(fs.readFileSync(path.join(out, 'lsd.bin')), Buffer.from(data))).toBe(0);
}, 60_000);

test('--no-lsd and --no-dht leave a trackerless magnet no way to find peers', async () => {
  // The check comes before the session starts, so nothing is multicast even with LSD allowed here.
  const magnet = `magnet:?xt=urn:btih:${'cd'.repeat(20)}`;
  const run = await cli(['download', magnet, '-o', path.join(work, 'none'), '--port', '0', '--no-dht', '--no-lsd'], unavailable === undefined ? { netns: NAMESPACE, lsd: true } : {});
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/no way to find peers: the magnet link has no tr= trackers, no --peer was given and neither DHT nor LSD is on/);
});
