// Which boot of the operating system this is. Bytes written but not fsynced survive a crash of our
// process (the page cache holds them) but not a crash of the OS, so a resume record that vouches for
// such bytes names the boot it was written in, and a later boot trusts only what was fsynced. Linux
// names every boot; elsewhere there is no name, and every resume save fsyncs first.
import { readFile } from 'node:fs/promises';

const BOOT_ID_PATH = '/proc/sys/kernel/random/boot_id';

let cached: Promise<string | undefined> | undefined;

/** This boot's identity, or undefined where the OS does not name boots. Read once per process. */
export function currentBootId(): Promise<string | undefined> {
  cached ??= readFile(BOOT_ID_PATH, 'latin1').then(parseBootId, () => undefined);
  return cached;
}

/** A UUID as the kernel prints it; anything else is treated as no identity at all. */
export function parseBootId(text: string): string | undefined {
  const id = text.trim().toLowerCase();
  return /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(id) ? id : undefined;
}
