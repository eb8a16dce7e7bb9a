import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-file.js';
import { StateFileError, loadDaemonState, saveDaemonState, type DaemonSettings, type DaemonState } from './daemon-state.js';

let dir = '';
const defaults: DaemonSettings = { downloadDir: '/downloads', limits: { download: 0, upload: 0 } };

beforeEach(async () => {
  dir = await makeTempDir('typetorrent-state-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('daemon state file', () => {
  it('starts empty with the defaults when there is no file', async () => {
    expect(await loadDaemonState(dir, defaults)).toEqual({ settings: defaults, torrents: [] });
  });

  it('round-trips settings and records', async () => {
    const state: DaemonState = {
      settings: { downloadDir: '/d', limits: { download: 1000, upload: 2000 }, activeLimits: { downloads: 3, seeds: null } },
      torrents: [
        { infoHash: 'ab'.repeat(20), savePath: '/d', paused: true, filePriorities: [0, 7], sequential: true, addedAt: 5 },
        { infoHash: 'cd'.repeat(20), magnet: `magnet:?xt=urn:btih:${'cd'.repeat(20)}`, savePath: '/e', paused: false, sequential: false, addedAt: 6 },
      ],
    };
    await saveDaemonState(dir, state);
    expect(await loadDaemonState(dir, defaults)).toEqual(state);
    // Nothing is left beside it.
    expect(fs.readdirSync(dir)).toEqual(['daemon.json']);
  });

  it.each([
    ['{ not json', '(file)'],
    ['{"version": 2, "settings": {}, "torrents": []}', 'version'],
    ['{"version": 1, "settings": {}, "torrents": {}}', 'torrents'],
    [`{"version": 1, "settings": {}, "torrents": [{"infoHash": "XY", "savePath": "/d"}]}`, 'torrents[0].infoHash'],
    [`{"version": 1, "settings": {}, "torrents": [{"infoHash": "${'ab'.repeat(20)}", "savePath": "rel"}]}`, 'torrents[0].savePath'],
    [`{"version": 1, "settings": {"limits": {"download": -5}}, "torrents": []}`, 'settings.limits.download'],
    [`{"version": 1, "settings": {"activeLimits": {"downloads": 0}}, "torrents": []}`, 'settings.activeLimits.downloads'],
    [`{"version": 1, "settings": {"activeLimits": 5}, "torrents": []}`, 'settings.activeLimits'],
    [`{"version": 1, "settings": {}, "torrents": [{"infoHash": "${'ab'.repeat(20)}", "savePath": "/d", "filePriorities": [9]}]}`, 'torrents[0].filePriorities'],
  ])('refuses %s, naming %s', async (text, field) => {
    fs.writeFileSync(path.join(dir, 'daemon.json'), text);
    const error = await loadDaemonState(dir, defaults).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as StateFileError).field).toBe(field);
  });

  it('refuses a torrent listed twice', async () => {
    const record = { infoHash: 'ab'.repeat(20), savePath: '/d' };
    fs.writeFileSync(path.join(dir, 'daemon.json'), JSON.stringify({ version: 1, settings: {}, torrents: [record, record] }));
    await expect(loadDaemonState(dir, defaults)).rejects.toThrow(/listed twice/);
  });
});

describe('atomic writes', () => {
  it('replace the whole file and leave no temporary behind', async () => {
    const file = path.join(dir, 'f');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two', { mode: 0o600 });
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['f']);
  });

  it('temporaries a crash left are removed at start, other files kept', async () => {
    fs.writeFileSync(path.join(dir, '.daemon.json.123.0a1b2c3d.tmp'), 'half');
    fs.writeFileSync(path.join(dir, 'daemon.json'), '{}');
    await removeStaleTemporaries(dir);
    expect(fs.readdirSync(dir)).toEqual(['daemon.json']);
  });
});
