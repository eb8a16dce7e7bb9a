// Runs a command under GNU time and reports wall seconds, CPU seconds (user + sys) and peak RSS.
// GNU time waits for the child, so its figures cover the whole client process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs: number, onLine?: (line: string, child: import('node:child_process').ChildProcess) => void, onSpawn?: (signalGroup: (signal: NodeJS.Signals) => void) => void, stdin?: 'pipe' | 'ignore' }} options
 */
export async function measure(command, args, options) {
  const timeFile = path.join(os.tmpdir(), `tt-bench-time-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const child = spawn(GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    // Its own process group, so a signal reaches the client too: GNU time ignores SIGINT while it waits.
    detached: true,
  });
  options.onSpawn?.((signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  });
  let tail = '';
  let pending = '';
  const onData = (d) => {
    tail = (tail + d).slice(-4000);
    if (!options.onLine) return;
    pending += d;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      options.onLine(pending.slice(0, nl), child);
      pending = pending.slice(nl + 1);
    }
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', (d) => (tail = (tail + d).slice(-4000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, options.timeoutMs);
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  let wall = NaN, user = NaN, sys = NaN, rssKiB = NaN;
  try {
    const text = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    [wall, user, sys, rssKiB] = text.split(/\s+/).map(Number);
  } catch {
    // time wrote nothing (killed): figures stay NaN
  }
  fs.rmSync(timeFile, { force: true });
  return { code, timedOut, wall, cpu: user + sys, rssMiB: rssKiB / 1024, tail };
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
