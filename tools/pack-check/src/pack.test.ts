// `npm pack` of every published package (every workspace under packages/ and apps/ that is not
// private), installed together into an empty folder, must import and expose its API from the built
// files alone (no workspace links, no TypeScript sources), carry its LICENSE, README and CHANGELOG,
// pass @arethetypeswrong/cli's checks for an ESM-only package, and the CLI's bin must run. This
// catches a wrong exports map, a missing `files` entry, wrong types or a dependency left out.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const published = ['packages', 'apps']
  .flatMap((parent) => fs.readdirSync(path.join(root, parent)).map((name) => `${parent}/${name}`))
  .filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')))
  .filter((dir) => (JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { private?: boolean }).private !== true)
  .sort();
const tarballs = new Map<string, { file: string; contents: string[] }>();
let work = '';

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

beforeAll(() => {
  for (const dir of published) {
    if (!fs.existsSync(path.join(root, dir, 'dist'))) throw new Error(`${dir}/dist is missing: run the build first (npm test does)`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'typetorrent-pack-'));
  for (const dir of published) {
    const out = run('npm', ['pack', '--json', '--pack-destination', work], path.join(root, dir));
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error(`npm pack printed nothing for ${dir}`);
    tarballs.set(dir, { file: path.join(work, info.filename), contents: info.files.map((f) => f.path) });
  }
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...[...tarballs.values()].map((t) => t.file)], app);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function packageJson(dir: string): { name: string; exports: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
}

/** Named exports of `specifier`, imported from inside the empty app the way a user would. */
function exportsOf(specifier: string): string[] {
  const keys = run('node', ['--input-type=module', '-e', `const m = await import('${specifier}'); console.log(JSON.stringify(Object.keys(m)))`], path.join(work, 'app'));
  return JSON.parse(keys) as string[];
}

test('the published packages are found: the libraries and the CLI', () => {
  expect(published).toEqual(expect.arrayContaining(['apps/cli', 'packages/bencode', 'packages/engine', 'packages/metainfo', 'packages/storage', 'packages/tracker']));
  expect(published).not.toContain('packages/testkit');
});

test.each(published.filter((d) => d.startsWith('packages/')))('%s installs from its tarball and imports with its exports', (dir) => {
  const { name, exports } = packageJson(dir);
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

test.each(published)('%s ships the LICENSE, its README and its CHANGELOG', (dir) => {
  const { contents } = tarballs.get(dir)!;
  expect(contents).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']));
  const { name } = packageJson(dir);
  const installed = path.join(work, 'app', 'node_modules', ...name.split('/'));
  expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'));
});

test.each(published)('%s passes @arethetypeswrong/cli as an ESM-only package', (dir) => {
  // The esm-only profile leaves out resolution from require() (node10, node16-cjs): see the next test.
  const attw = path.join(root, 'node_modules', '.bin', 'attw');
  const result = spawnSync(attw, [tarballs.get(dir)!.file, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji'], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`attw found problems in ${dir}:\n${result.stdout}${result.stderr}`);
  expect(result.status).toBe(0);
});

test.each(published.filter((d) => d.startsWith('packages/')))('%s cannot be require()d, as the README says (its exports have only an import condition)', (dir) => {
  const { name } = packageJson(dir);
  const result = spawnSync('node', ['-e', `try { require(${JSON.stringify(name)}); console.log('loaded'); } catch (e) { console.log(e.code); }`], { cwd: path.join(work, 'app'), encoding: 'utf8' });
  expect(result.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
});

test('the typetorrent bin from the CLI tarball runs', () => {
  const out = run(path.join(work, 'app', 'node_modules', '.bin', 'typetorrent'), ['--version'], path.join(work, 'app'));
  expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});
