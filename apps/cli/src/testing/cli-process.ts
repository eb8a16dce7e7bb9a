// Runs the built `typetorrent` (dist/main.js) as users and scripts do, for the tests that check what
// a person sees: exit codes, stderr lines, JSON lines.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(CLI_ROOT, 'dist/main.js');

/**
 * The state folder (XDG_STATE_HOME) every run of this test process gets, so runs never touch the
 * home folder of whoever runs the tests. Writable by the other users `asUser` runs as.
 */
export const STATE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'typetorrent-cli-state-'));
fs.chmodSync(STATE_HOME, 0o1777);

export function requireBuiltCli(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (npm test does)`);
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running extends Promise<Run> {
  /** SIGINT, as Ctrl-C sends. */
  interrupt(): void;
  stdoutSoFar(): string;
  stderrSoFar(): string;
}

export interface CliOptions {
  readonly timeoutMs?: number;
  /** Run as another user (uid and gid), e.g. to meet permission checks that root passes. */
  readonly asUser?: number;
  readonly cwd?: string;
  /**
   * Run inside this network namespace (`ip netns exec`). Only there may a test leave LSD on
   * (`lsd: true`): everywhere else TYPETORRENT_LSD=off keeps runs from multicasting to the network.
   */
  readonly netns?: string;
  readonly lsd?: boolean;
  /** Variables set on top of the defaults (e.g. TYPETORRENT_DHT_BOOTSTRAP naming a node of the test's). */
  readonly env?: Readonly<Record<string, string>>;
}

export function cli(args: readonly string[], options: CliOptions = {}): Running {
  const node = [process.execPath, CLI, ...args];
  const asUser = options.asUser === undefined ? node : ['setpriv', `--reuid=${options.asUser}`, `--regid=${options.asUser}`, '--clear-groups', ...node];
  const command = options.netns === undefined ? asUser : ['ip', 'netns', 'exec', options.netns, ...asUser];
  if (options.lsd === true && options.netns === undefined) throw new Error('cli(): LSD multicasts; leave it on only inside a network namespace');
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: STATE_HOME, TYPETORRENT_DHT_BOOTSTRAP: '', TYPETORRENT_LSD: 'off' };
  if (options.lsd === true) delete env['TYPETORRENT_LSD'];
  Object.assign(env, options.env);
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return Object.assign(done, { interrupt: () => void child.kill('SIGINT'), stdoutSoFar: () => stdout, stderrSoFar: () => stderr });
}

/** Polls `read` until `until` holds for what it returns; the test's own timeout bounds the wait. */
export async function waitFor<T>(read: () => T, until: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen; last seen: ${String(value).slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function jsonLines(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout.split('\n').filter((l) => l.trim().startsWith('{') && l.trim().endsWith('}')).map((l) => JSON.parse(l) as { type: string });
}

/** C0/C1 controls (but line feeds and tabs) and bidi overrides: nothing of the kind may reach a terminal raw. */
export const RAW_CONTROL = /(?![\n\t])[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
