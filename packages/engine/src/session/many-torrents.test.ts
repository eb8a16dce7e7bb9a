// Issue 17's scale checks on real files: 1,000 single-file torrents seeded from one session on a temp
// folder. Their data is checked one torrent at a time, their open descriptors stay under the shared
// pool's cap (counted in /proc/self/fd), and a restart with their resume data hashes nothing.
import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTorrent, type Metainfo } from '@typetorrent/metainfo';
import { inlineHasher, type Hasher } from '@typetorrent/storage';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import type { Torrent } from '../torrent/torrent.js';
import { Session } from './session.js';

const TORRENTS = 1000;
const POOL = 32;
/** The session's own descriptors: the listen socket, the UDP tracker client's socket, and a margin. */
const SESSION_DESCRIPTORS = 16;
const canCountDescriptors = process.platform === 'linux';

/** Counts hashes, and how many run at once (each waits a turn first, so overlapping checks would show). */
class CountingHasher implements Hasher {
  readonly prefersShared = false;
  calls = 0;
  active = 0;
  mostActive = 0;

  async sha1(data: Uint8Array): Promise<Uint8Array> {
    this.calls++;
    this.active++;
    this.mostActive = Math.max(this.mostActive, this.active);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return await inlineHasher.sha1(data);
    } finally {
      this.active--;
    }
  }

  async close(): Promise<void> {}
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

let dir: string;
let torrents: Metainfo[];

beforeAll(async () => {
  dir = await makeTempDir('engine-many-');
  torrents = [];
  for (let index = 0; index < TORRENTS; index++) {
    const bytes = new TextEncoder().encode(`torrent ${index} `.repeat(20 + (index % 7)));
    const name = `t${index}.txt`;
    await fs.writeFile(path.join(dir, name), bytes);
    const created = await createTorrent({ kind: 'file', name, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: 16384 });
    torrents.push(created.metainfo);
  }
}, 120_000);

afterAll(async () => {
  await removeTempDir(dir);
});

/** Adds every torrent (no trackers, no peers) and waits until all seed; the peak of open descriptors meanwhile. */
async function seedAll(session: Session): Promise<{ seeding: number; peakDescriptors: number }> {
  let peak = canCountDescriptors ? openDescriptors() : 0;
  let seeding = 0;
  let allSeeding = (): void => undefined;
  const done = new Promise<void>((resolve) => (allSeeding = resolve));
  const watch = (torrent: Torrent): void => {
    torrent.on('state', (status) => {
      if (canCountDescriptors) peak = Math.max(peak, openDescriptors());
      if (status.state === 'error') throw status.error;
      if (status.state === 'seeding' && ++seeding === TORRENTS) allSeeding();
    });
  };
  for (const metainfo of torrents) watch(await session.add(metainfo, { savePath: dir, announce: false }));
  await done;
  if (canCountDescriptors) peak = Math.max(peak, openDescriptors());
  return { seeding, peakDescriptors: peak };
}

describe(`${TORRENTS} torrents in one session on real files`, () => {
  it('check one at a time and seed with open descriptors under the pool cap plus the session\'s own', async () => {
    const baseline = canCountDescriptors ? openDescriptors() : 0;
    const hasher = new CountingHasher();
    const session = new Session({ port: 0, host: '127.0.0.1', maxOpenFiles: POOL, hasher });
    try {
      const { seeding, peakDescriptors } = await seedAll(session);
      expect(seeding).toBe(TORRENTS);
      expect(hasher.calls).toBe(TORRENTS); // one piece each, no resume data yet
      expect(hasher.mostActive).toBe(1);
      if (canCountDescriptors) {
        expect(peakDescriptors - baseline).toBeLessThanOrEqual(POOL + SESSION_DESCRIPTORS);
        expect(openDescriptors() - baseline).toBeLessThanOrEqual(POOL + SESSION_DESCRIPTORS);
      }
    } finally {
      await session.close();
    }
  }, 120_000);

  it('restarted with their resume data, reach seeding without hashing a piece', async () => {
    const hasher = new CountingHasher();
    const session = new Session({ port: 0, host: '127.0.0.1', maxOpenFiles: POOL, hasher });
    try {
      const { seeding } = await seedAll(session);
      expect(seeding).toBe(TORRENTS);
      expect(hasher.calls).toBe(0);
    } finally {
      await session.close();
    }
  }, 120_000);
});
