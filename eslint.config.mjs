// Lint for every project, run through Nx (`nx run-many -t lint`) so the module-boundary rule sees the
// project graph. Two rules carry the architecture:
//  - packages depend only downward: bencode → metainfo → peer-wire/tracker/storage/dht/mse/utp →
//    engine → cli
//  - codecs do no I/O: no sockets, files, timers, fetch or `process`. A package is a codec when its
//    package.json has the nx tag `layer:codec` (the others are `layer:io`); the tracker, an I/O package,
//    keeps its codecs in src/codec, which counts too. Adapters that do I/O live in folders named
//    `node/` (or files named `node.ts`) and are exempt, as are tests. A codec may depend only on codecs.
// A third keeps the manifests honest: each package.json lists exactly the packages its built code
// imports (`@nx/dependency-checks`; test helpers are devDependencies and not counted).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import jsoncParser from 'jsonc-eslint-parser';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Every package and app (root-relative folder) with its nx tags. */
const projects = ['packages', 'apps']
  .flatMap((dir) => readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`))
  .filter((folder) => existsSync(path.join(root, folder, 'package.json')))
  .map((folder) => ({ folder, tags: JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')).nx?.tags ?? [] }));

// Each project says which it is, so a new package cannot slip past the no-I/O rule by saying nothing.
for (const { folder, tags } of projects) {
  if (tags.includes('layer:codec') === tags.includes('layer:io')) {
    throw new Error(`${folder}/package.json: nx.tags needs exactly one of "layer:codec" and "layer:io"`);
  }
}

/** Sources that must do no I/O: codec packages, and codec folders inside I/O packages. */
const codecSources = [
  ...projects.filter(({ tags }) => tags.includes('layer:codec')).map(({ folder }) => `${folder}/src/**/*.ts`),
  'packages/tracker/src/codec/**/*.ts',
];

const ioModules = [
  'net', 'dgram', 'fs', 'fs/promises', 'http', 'https', 'http2', 'tls', 'timers', 'timers/promises',
  'child_process', 'worker_threads', 'cluster', 'dns',
].flatMap((m) => [m, `node:${m}`]);

const noIo = {
  'no-restricted-imports': ['error', { paths: ioModules.map((name) => ({ name, message: 'codecs do no I/O: bytes in, values out' })) }],
  'no-restricted-globals': ['error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'fetch', 'process'].map((name) => ({ name, message: 'codecs do no I/O and use no timers' })),
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/*.cjs', '**/*.mjs', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [
          { sourceTag: 'layer:codec', onlyDependOnLibsWithTags: ['layer:codec', 'type:testkit'] },
          { sourceTag: 'layer:bencode', onlyDependOnLibsWithTags: ['type:testkit'] },
          { sourceTag: 'layer:metainfo', onlyDependOnLibsWithTags: ['layer:bencode', 'type:testkit'] },
          { sourceTag: 'layer:protocol', onlyDependOnLibsWithTags: ['layer:bencode', 'layer:metainfo', 'type:testkit'] },
          { sourceTag: 'layer:engine', onlyDependOnLibsWithTags: ['layer:protocol', 'layer:metainfo', 'layer:bencode', 'type:testkit'] },
          { sourceTag: 'layer:app', onlyDependOnLibsWithTags: ['layer:engine', 'layer:protocol', 'layer:metainfo', 'layer:bencode', 'type:testkit'] },
          { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['layer:bencode', 'layer:metainfo'] },
          { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
        ],
      }],
    },
  },
  {
    // Pure codecs: everything but tests and node/ adapters.
    files: codecSources,
    ignores: ['**/*.test.ts', '**/node/**', '**/node.ts', '**/test/**'],
    rules: noIo,
  },
  {
    // package.json: `dependencies` must match what the production sources import, no more, no less.
    files: ['**/package.json'],
    languageOptions: { parser: jsoncParser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/dependency-checks': ['error', {
        buildTargets: ['build'],
        // Test code is not shipped: its imports belong in devDependencies.
        ignoredFiles: [
          '{projectRoot}/**/*.test.ts',
          '{projectRoot}/**/*.bench.ts',
          '{projectRoot}/**/testing/**',
          '{projectRoot}/**/test-*.ts',
          '{projectRoot}/test/**',
          '{projectRoot}/*.config.{ts,mjs}',
        ],
        checkVersionMismatches: true,
      }],
    },
  },
);
