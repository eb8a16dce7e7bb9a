// Runs the whole benchmark inside a fresh network namespace that has only a loopback interface, so no
// client (webtorrent-cli cannot switch off DHT, LSD or UPnP) can send a packet off the machine.
import { spawnSync } from 'node:child_process';

export function canUseNetns() {
  return process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
}

/** Re-executes this script inside a new namespace; returns its exit code. */
export function rerunInNetns(argv) {
  const name = `ttbench${process.pid}`;
  const ip = (...args) => spawnSync('ip', args, { stdio: 'inherit' });
  if (ip('netns', 'add', name).status !== 0) return null;
  try {
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    const run = spawnSync('ip', ['netns', 'exec', name, process.execPath, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, TT_BENCH_IN_NETNS: '1' },
    });
    return run.status ?? 1;
  } finally {
    ip('netns', 'del', name);
  }
}
