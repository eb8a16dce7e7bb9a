// `npm pack` of every published package, installed together into an empty folder, must import and
// expose its API from the built files alone (no workspace links, no TypeScript sources), and the CLI's
// bin must run. This catches a wrong exports map, a missing `files` entry or a dependency left out.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const published = ['packages/bencode', 'packages/metainfo', 'packages/peer-wire', 'packages/tracker', 'packages/storage', 'packages/engine', 'apps/cli'];
let work = '';

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

beforeAll(() => {
  for (const dir of published) {
    if (!fs.existsSync(path.join(root, dir, 'dist'))) throw new Error(`${dir}/dist is missing: run the build first (npm test does)`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'typetorrent-pack-'));
  const tarballs = published.map((dir) => {
    const out = run('npm', ['pack', '--json', '--pack-destination', work], path.join(root, dir));
    const [info] = JSON.parse(out) as { filename: string }[];
    if (!info) throw new Error(`npm pack printed nothing for ${dir}`);
    return path.join(work, info.filename);
  });
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], app);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Named exports of `specifier`, imported from inside the empty app the way a user would. */
function exportsOf(specifier: string): string[] {
  const keys = run('node', ['--input-type=module', '-e', `const m = await import('${specifier}'); console.log(JSON.stringify(Object.keys(m)))`], path.join(work, 'app'));
  return JSON.parse(keys) as string[];
}

test.each(published.filter((d) => d.startsWith('packages/')))('%s installs from its tarball and imports with its exports', (dir) => {
  const { name, exports } = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
  const app = path.join(work, 'app');
  // Every entry point, not only the main one: a subpath such as '@typetorrent/metainfo/node' has
  // its own built file and imports of its own, and can break on its own.
  for (const subpath of Object.keys(exports).filter((key) => key !== './package.json')) {
    // An import that fails makes `run` throw with node's stderr, which names the missing file or module.
    expect(exportsOf(`${name}${subpath.slice(1)}`).length).toBeGreaterThan(0);
  }
  const installed = path.join(app, 'node_modules', ...name.split('/'));
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string> | string> };
  for (const entry of Object.values(pkg.exports)) {
    if (typeof entry === 'string') continue;
    for (const [condition, file] of Object.entries(entry)) {
      if (condition === '@typetorrent/source') continue;
      expect(fs.existsSync(path.join(installed, file))).toBe(true);
    }
  }
});

test('the typetorrent bin from the CLI tarball runs', () => {
  const out = run(path.join(work, 'app', 'node_modules', '.bin', 'typetorrent'), ['--version'], path.join(work, 'app'));
  expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});
