// Bundles the engine source of the working tree (or of a git revision) into one ES module with
// esbuild (tsup's bundler), so a benchmark needs no `npm run build` and measures the code as it is.
// The bundle also exports `createTorrent` (metainfo) and the peer-wire codec as `wire`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Import specifiers of the workspace packages mapped to their TypeScript entry points under `source`. */
function workspaceAliases(source) {
  const packages = path.join(source, 'packages');
  const alias = {};
  for (const name of fs.readdirSync(packages)) {
    const manifest = path.join(packages, name, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const { name: packageName } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    alias[packageName] = path.join(packages, name, 'src', 'index.ts');
    const nested = path.join(packages, name, 'src', 'node', 'index.ts');
    const flat = path.join(packages, name, 'src', 'node.ts');
    if (fs.existsSync(nested)) alias[`${packageName}/node`] = nested;
    else if (fs.existsSync(flat)) alias[`${packageName}/node`] = flat;
  }
  return alias;
}

/** What the bundle exports by default: the engine, `createTorrent` and the peer-wire codec as `wire`. */
const DEFAULT_EXPORTS = "export * from '@typetorrent/engine'; export { createTorrent } from '@typetorrent/metainfo'; export * as wire from '@typetorrent/peer-wire';";

/**
 * Writes `engine-bundle.mjs` into `work` and returns its path; `rev` takes the source from git;
 * `exports` replaces the module's text (export statements naming workspace packages).
 */
export async function bundleEngine(work, rev, exports = DEFAULT_EXPORTS) {
  let source = root;
  if (rev !== undefined) {
    source = path.join(work, 'rev');
    fs.mkdirSync(source, { recursive: true });
    const archive = spawnSync('sh', ['-c', `git -C "${root}" archive "${rev}" packages | tar -x -C "${source}"`], { stdio: 'inherit' });
    if (archive.status !== 0) throw new Error(`git archive ${rev} failed`);
  }
  const { build } = await import('esbuild');
  const outfile = path.join(work, 'engine-bundle.mjs');
  await build({
    stdin: {
      contents: exports,
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: workspaceAliases(source),
    conditions: ['@typetorrent/source'],
    logLevel: 'silent',
  });
  return outfile;
}

/** The commit the working tree is on, with `+dirty` when tracked files under packages/ differ from it. */
export function describeTree() {
  const head = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no', '--', 'packages'], { encoding: 'utf8' }).stdout.trim() !== '';
  return `${head}${dirty ? '+dirty' : ''}`;
}
