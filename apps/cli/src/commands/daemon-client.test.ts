// `typetorrent add | list | pause | resume | remove` (the built binary) against a daemon on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { cli, requireBuiltCli } from '../testing/cli-process.js';
import { startSeeder, startTestDaemon, waitForTorrent, type Seeder, type TestDaemon } from '../testing/daemon-fixtures.js';

let work = '';
let seeder: Seeder;
let t: TestDaemon;
let connection: string[] = [];
const MAGNET_HASH = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('typetorrent-daemon-client-');
  seeder = await startSeeder(work, 'set', { 'one.bin': 50_000 });
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'));
  connection = ['--daemon', t.daemon.url, '--state-dir', path.join(work, 'state')];
  fs.writeFileSync(path.join(work, 'set.torrent'), seeder.torrent);
});

afterAll(async () => {
  await t.daemon.close();
  await seeder.close();
  await removeTempDir(work);
});

describe('client commands', () => {
  it('add takes a .torrent file and a magnet link and prints their info-hashes', async () => {
    const run = await cli(['add', path.join(work, 'set.torrent'), `magnet:?xt=urn:btih:${MAGNET_HASH}&dn=m`, '--paused', ...connection]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${seeder.metainfo.infoHashHex}  set\n${MAGNET_HASH}  m\n`);
  });

  it('list shows them; --json gives the API objects', async () => {
    const text = await cli(['list', ...connection]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${seeder.metainfo.infoHashHex.slice(0, 8)}  paused .* set$`, 'm'));
    const json = await cli(['list', '--json', ...connection]);
    expect((JSON.parse(json.stdout) as { torrents: { infoHash: string }[] }).torrents.map((x) => x.infoHash)).toEqual([seeder.metainfo.infoHashHex, MAGNET_HASH]);
  });

  it('resume by a prefix of the info-hash starts the download', async () => {
    const run = await cli(['resume', seeder.metainfo.infoHashHex.slice(0, 6), ...connection]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`resumed ${seeder.metainfo.infoHashHex}\n`);
    seeder.session.get(seeder.metainfo.infoHashHex)!.addPeer({ host: '127.0.0.1', port: t.daemon.registry.session.port });
    await waitForTorrent(t.client, seeder.metainfo.infoHashHex, (x) => x.done, 'the download');
  });

  it('pause all, then remove with --delete-data', async () => {
    expect((await cli(['pause', 'all', ...connection])).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    const removed = await cli(['remove', seeder.metainfo.infoHashHex, MAGNET_HASH, '--delete-data', ...connection]);
    expect(removed.code).toBe(0);
    expect(fs.existsSync(path.join(work, 'downloads', 'set'))).toBe(false);
    expect((await t.client.request<{ torrents: unknown[] }>('GET', '/api/v1/torrents')).body.torrents).toEqual([]);
  });

  it('says what is wrong in one line: unknown torrent, wrong token, no daemon', async () => {
    const unknown = await cli(['pause', 'ffff', ...connection]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('typetorrent: ffff: no such torrent in the daemon\n');
    fs.mkdirSync(path.join(work, 'other'), { recursive: true });
    fs.writeFileSync(path.join(work, 'other', 'api-token'), 'x'.repeat(43));
    const refused = await cli(['list', '--daemon', t.daemon.url, '--state-dir', path.join(work, 'other')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^typetorrent: the daemon at .* refused the token/);
    const none = await cli(['list', '--daemon', 'http://127.0.0.1:9', '--state-dir', path.join(work, 'other')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^typetorrent: no daemon answers at http:\/\/127\.0\.0\.1:9 .*typetorrent daemon/);
  });
});
