// The setup many engine tests share: fixture data seeded by a session on 127.0.0.1, with every
// session and folder a test makes tracked so afterAll can close and remove them.
import { removeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { makeFixture, type Fixture, type FixtureOptions } from './fixtures.js';

export interface Tracked {
  readonly sessions: Session[];
  readonly dirs: string[];
}

/** Makes the fixture and a seeding session for it (done checking when this resolves). */
export async function seededFixture(options: FixtureOptions, tracked: Tracked): Promise<{ fixture: Fixture; seeder: Session }> {
  const fixture = await makeFixture(options);
  tracked.dirs.push(fixture.dir);
  const seeder = new Session({ port: 0, host: '127.0.0.1' });
  tracked.sessions.push(seeder);
  await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
  return { fixture, seeder };
}

export async function closeTracked(tracked: Tracked): Promise<void> {
  await Promise.all(tracked.sessions.map((s) => s.close()));
  await Promise.all(tracked.dirs.map((d) => removeTempDir(d)));
}
