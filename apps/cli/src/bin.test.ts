// `npx typetorrent` right after `npm ci` on a fresh clone: npm links a package's bins at install
// time, and only for files that exist then, so the bin must be a committed file rather than dist/.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { CLI_ROOT, requireBuiltCli } from './testing/cli-process.js';

const repo = path.resolve(CLI_ROOT, '../..');
const { version, bin } = JSON.parse(fs.readFileSync(path.join(CLI_ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
let work = '';

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('typetorrent-cli-bin-');
});

afterAll(async () => {
  await removeTempDir(work);
});

test('the bin is a committed, executable file outside dist/', () => {
  expect(bin).toEqual({ typetorrent: './bin/typetorrent.js' });
  const tracked = execFileSync('git', ['ls-files', '--stage', '--', 'apps/cli/bin/typetorrent.js'], { cwd: repo, encoding: 'utf8' });
  expect(tracked).toMatch(/^100755 [0-9a-f]+ 0\tapps\/cli\/bin\/typetorrent\.js$/m);
});

test('in a fresh clone it says to build first, and once built it runs', () => {
  const clone = path.join(work, 'clone');
  execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${repo}`, clone], { stdio: 'ignore' });
  const script = path.join(clone, 'apps/cli/bin/typetorrent.js');
  const unbuilt = spawnSync(script, ['--version'], { encoding: 'utf8' });
  expect(unbuilt.status).toBe(1);
  expect(unbuilt.stderr).toBe('typetorrent: the command is not built yet: run `npm run build` (or `npm run demo`) in the repository first\n');

  // What `npm ci` and the build would add: dependencies (linked from this checkout) and dist/.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'));
  if (fs.existsSync(path.join(CLI_ROOT, 'node_modules'))) fs.symlinkSync(path.join(CLI_ROOT, 'node_modules'), path.join(clone, 'apps/cli/node_modules'));
  fs.cpSync(path.join(CLI_ROOT, 'dist'), path.join(clone, 'apps/cli/dist'), { recursive: true });
  const built = spawnSync(script, ['--version'], { encoding: 'utf8' });
  expect(built.stderr).toBe('');
  expect(built.stdout.trim()).toBe(version);
});

test('npm has linked it for `npx typetorrent` in this checkout', () => {
  const linked = path.join(repo, 'node_modules/.bin/typetorrent');
  expect(fs.realpathSync(linked)).toBe(fs.realpathSync(path.join(CLI_ROOT, 'bin/typetorrent.js')));
  const run = spawnSync('npx', ['--no-install', 'typetorrent', '--version'], { cwd: repo, encoding: 'utf8' });
  expect(run.stdout.trim()).toBe(version);
});
