// Crash-safe writes for the daemon's state folder: the new content goes to a temporary file beside
// the target, is fsynced, renamed over the target, and the folder is fsynced so the rename itself
// survives a power cut. A reader (or a restart after kill -9) sees the old file or the new one,
// never a torn one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644; the API token uses 0o600). */
  readonly mode?: number;
}

export async function writeFileAtomic(file: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dir);
}

/** fsync of a folder makes a rename in it durable; some file systems refuse it, which is harmless here. */
async function syncFolder(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on file systems without folder fsync: the rename is as durable as they allow.
  } finally {
    await handle?.close();
  }
}

/** Temporary files a crash left behind (`.<name>.<pid>.<random>.tmp`), removed at start. */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((name) => /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/.test(name)).map(async (name) => await fs.rm(path.join(dir, name), { force: true })));
}
