import { afterEach, describe, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture } from '../testing/fixtures.js';
import { Session } from './session.js';

const sessions: Session[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => removeTempDir(d)));
});

function session(): Session {
  const s = new Session({ port: 0, host: '127.0.0.1' });
  sessions.push(s);
  return s;
}

describe('Session', () => {
  it('downloads a multi-file torrent from a seeding session, byte for byte', async () => {
    const fixture = await makeFixture();
    dirs.push(fixture.dir);
    const seeder = session();
    const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
    await seeding.whenDone();
    expect(seeding.state).toBe('seeding');

    const target = await makeTempDir('typetorrent-leech-');
    dirs.push(target);
    const leecher = session();
    const port = await seeder.listen();
    const downloading = await leecher.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port }] });
    await downloading.whenDone();
    expect(downloading.state).toBe('seeding');
    expect(await differences(fixture, target)).toEqual([]);
    expect(downloading.progress().verifiedBytes).toBe(fixture.metainfo.totalLength);
  });
});
