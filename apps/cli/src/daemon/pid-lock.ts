// One daemon per state folder: two would overwrite each other's list. STATE/daemon.pid holds the
// owner's process id; a file left by a process that no longer runs (kill -9) is taken over.
import fs from 'node:fs/promises';
import path from 'node:path';

export const PID_FILE = 'daemon.pid';

export class StateFolderBusyError extends Error {
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super(`${stateDir} is in use by another daemon (process ${pid}); stop it first or give another --state-dir`);
    this.name = 'StateFolderBusyError';
  }
}

/** Lock files this process holds (a second daemon in the same process sees its own pid in them). */
const held = new Set<string>();

export async function lockStateFolder(stateDir: string, pid: number = process.pid): Promise<() => Promise<void>> {
  const file = path.join(stateDir, PID_FILE);
  if (held.has(file)) throw new StateFolderBusyError(stateDir, pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${pid}\n`, { flag: 'wx', mode: 0o600 });
      held.add(file);
      return async () => {
        held.delete(file);
        // Only our own lock: never a successor's.
        const text = await fs.readFile(file, 'utf8').catch(() => '');
        if (Number(text.trim()) === pid) await fs.rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== pid && isRunning(owner)) throw new StateFolderBusyError(stateDir, owner);
    await fs.rm(file, { force: true });
  }
  throw new Error(`${file}: could not take the lock`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
