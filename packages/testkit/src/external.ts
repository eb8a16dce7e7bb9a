// Finding the real, independently written software that interop tests run against.
// Tests that need a tool skip with a clear message where it is missing, and fail when CI is set
// (.ci/run installs everything, so a missing tool there is a broken CI, not a reason to skip).
import { spawnSync } from 'node:child_process';
import type { describe as Describe, test as Test } from '@jest/globals';

// Jest's globals, read at call time rather than imported, so this module also loads outside jest
// (benchmarks and scripts use the rest of testkit).
interface JestGlobals {
  describe: typeof Describe;
  test: typeof Test;
}
function jest(): JestGlobals {
  const g = globalThis as unknown as Partial<JestGlobals>;
  if (g.describe === undefined || g.test === undefined) throw new Error('describeWithTools runs only inside jest');
  return g as JestGlobals;
}

export type ExternalTool =
  | 'opentracker'
  | 'python3-libtorrent'
  | 'aria2c'
  | 'transmission-cli'
  | 'mktorrent';

/** Debian's python: a pyenv python on PATH would not see the python3-libtorrent module. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const probes: Record<ExternalTool, () => boolean> = {
  opentracker: () => onPath('opentracker'),
  'python3-libtorrent': () =>
    spawnSync(SYSTEM_PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore', timeout: 20_000 }).status === 0,
  aria2c: () => onPath('aria2c'),
  'transmission-cli': () => onPath('transmission-cli'),
  mktorrent: () => onPath('mktorrent'),
};

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const cache = new Map<ExternalTool, boolean>();

export function hasTool(tool: ExternalTool): boolean {
  let found = cache.get(tool);
  if (found === undefined) {
    found = probes[tool]();
    cache.set(tool, found);
  }
  return found;
}

export function missingTools(tools: readonly ExternalTool[]): ExternalTool[] {
  return tools.filter((t) => !hasTool(t));
}

/** True when running under CI, where every external tool is required. */
export function isCI(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/**
 * `describe` for a block of interop tests that need external tools. With every tool present it is a
 * plain describe. Without them it reports why: under CI as one failing test, elsewhere as skipped tests
 * with a message saying what to install.
 */
export function describeWithTools(tools: readonly ExternalTool[], name: string, body: () => void): void {
  const { describe, test } = jest();
  const missing = missingTools(tools);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = `needs ${missing.join(', ')} (Debian packages; .ci/run installs them)`;
  if (isCI()) {
    describe(name, () => {
      test(`external software is installed: ${why}`, () => {
        throw new Error(`missing under CI: ${why}`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${why}`);
  describe.skip(`${name} [skipped: ${why}]`, body);
}
