#!/usr/bin/env node
// Scaffolds a workspace package with the files every package has: package.json (exports map with a
// source condition for sibling packages), tsconfig, tsup and jest configs, README.
// usage: node tools/new-package.mjs <dir> <name> <layer-tag> "<description>" [entry...]
import fs from 'node:fs';
import path from 'node:path';

const [dir, name, layer, description, ...extraEntries] = process.argv.slice(2);
if (!dir || !name || !layer || !description) {
  console.error('usage: new-package.mjs <dir> <name> <layer-tag> "<description>" [subpath-entry...]');
  process.exit(2);
}
const entries = ['index', ...extraEntries];
const exportsMap = {};
for (const e of entries) {
  const key = e === 'index' ? '.' : `./${e}`;
  exportsMap[key] = {
    '@typetorrent/source': `./src/${e}.ts`,
    types: `./dist/${e}.d.ts`,
    import: `./dist/${e}.js`,
  };
}
exportsMap['./package.json'] = './package.json';
const pkg = {
  name: `@typetorrent/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.10' },
  exports: exportsMap,
  types: './dist/index.d.ts',
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  repository: { type: 'git', url: 'https://github.com/typetorrent/typetorrent.git', directory: dir },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    lint: 'eslint src package.json',
    test: 'node --experimental-vm-modules ../../node_modules/jest/bin/jest.js --maxWorkers=1',
  },
  dependencies: {},
  // A new package starts as a sans-I/O core (I/O only in node/ adapters); tag it layer:io if it is not.
  nx: { tags: [layer, 'layer:codec'] },
};
const abs = path.resolve(dir);
fs.mkdirSync(path.join(abs, 'src'), { recursive: true });
const write = (f, s) => { if (!fs.existsSync(path.join(abs, f))) fs.writeFileSync(path.join(abs, f), s); };
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write('tsconfig.json', JSON.stringify({
  extends: '../../tsconfig.base.json',
  compilerOptions: { outDir: 'dist', rootDir: 'src', types: ['node'] },
  include: ['src/**/*.ts'],
}, null, 2) + '\n');
const entryList = entries.map((e) => `src/${e}.ts`);
const libraryOptions = entryList.length === 1 && entryList[0] === 'src/index.ts' ? '' : `{ entry: ${JSON.stringify(entryList)} }`;
write('tsup.config.ts', `import { library } from '../../tsup.preset.mjs';

export default library(${libraryOptions});
`);
write('jest.config.mjs', `import { preset } from '../../jest.preset.mjs';

export default preset(import.meta.url);
`);
write('README.md', `# @typetorrent/${name}\n\n${description}\n`);
console.log(`scaffolded ${dir}`);
