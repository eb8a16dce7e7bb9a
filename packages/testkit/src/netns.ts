// Network namespaces for tests that need multicast (LSD, BEP 14): a fresh namespace whose only
// interface is `lo`, up, with multicast on and 239.0.0.0/8 routed over it from 127.0.0.1, so nothing
// sent there leaves the machine and nobody else's multicast gets in. Needs root and iproute2 (`ip`);
// callers skip with the reason it returns, and fail under CI (isCI()).
import { spawnSync } from 'node:child_process';

function ip(args: readonly string[]): string | undefined {
  const run = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (run.error !== undefined) return run.error.message;
  return run.status === 0 ? undefined : run.stderr.trim() || `ip ${args.join(' ')} exited with ${run.status}`;
}

/** Creates namespace `name` ready for multicast on loopback; returns why it cannot, or undefined. */
export function makeLoopbackNamespace(name: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (network namespaces need root)';
  const made = ip(['netns', 'add', name]);
  if (made !== undefined) return `ip netns add failed (iproute2 installed?): ${made}`;
  // The route names 127.0.0.1 as the source: lo's address has host scope, so without it the kernel
  // sends from 0.0.0.0.
  for (const step of [['link', 'set', 'lo', 'up'], ['link', 'set', 'lo', 'multicast', 'on'], ['route', 'add', '239.0.0.0/8', 'dev', 'lo', 'src', '127.0.0.1']]) {
    const failed = ip(['netns', 'exec', name, 'ip', ...step]);
    if (failed !== undefined) {
      ip(['netns', 'del', name]);
      return `ip ${step.join(' ')} in the namespace failed: ${failed}`;
    }
  }
  // IPv6 multicast on lo is best effort: the sessions run on IPv4 alone without it.
  ip(['netns', 'exec', name, 'ip', '-6', 'route', 'add', 'ff15::/16', 'dev', 'lo', 'table', 'local']);
  return undefined;
}

export function deleteNamespace(name: string): void {
  ip(['netns', 'del', name]);
}

/** Arguments that run `command` inside the namespace: spawn('ip', inNamespace(name, [...])). */
export function inNamespace(name: string, command: readonly string[]): string[] {
  return ['netns', 'exec', name, ...command];
}
