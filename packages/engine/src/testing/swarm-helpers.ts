// Test helpers for swarms on loopback (not exported by the package): waiting on a tracker to know a
// seeder, writing .torrent files, and polling with a deadline.
import fs from 'node:fs/promises';
import path from 'node:path';
import { HttpTrackerClient } from '@typetorrent/tracker';
import type { Metainfo } from '@typetorrent/metainfo';

/** Polls `check` every 50 ms until it holds; throws `describe()` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(describe());
}

/** Waits until the HTTP tracker counts at least `count` seeders for the torrent (scrape). */
export async function waitForSeeders(announceUrl: string, metainfo: Metainfo, count: number, timeoutMs = 20_000): Promise<void> {
  const client = new HttpTrackerClient({ timeoutMs: 2000 });
  let last = 'no answer';
  await waitUntil(
    async () => {
      try {
        const result = await client.scrape(announceUrl, [metainfo.infoHash]);
        if (!result.ok) {
          last = result.reason;
          return false;
        }
        const seeders = result.files[0]?.seeders ?? 0;
        last = `${seeders} seeders`;
        return seeders >= count;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
        return false;
      }
    },
    timeoutMs,
    () => `the tracker never counted ${count} seeders (${last})`,
  );
}

/** Writes the .torrent bytes next to the data and returns the path. */
export async function writeTorrentFile(dir: string, name: string, torrent: Uint8Array): Promise<string> {
  const file = path.join(dir, `${name}.torrent`);
  await fs.writeFile(file, torrent);
  return file;
}
