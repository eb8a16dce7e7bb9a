// Shared jest setup: native ESM, TypeScript through @swc/jest (no type-check here: `typecheck` does that),
// sibling packages read from their source so tests never need a build first.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @param {string} configUrl import.meta.url of the package's jest.config.mjs */
export function preset(configUrl) {
  const dir = path.dirname(fileURLToPath(configUrl));
  return {
    rootDir: dir,
    displayName: path.basename(dir),
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      '^@typetorrent/([a-z-]+)$': `${root}/packages/$1/src/index.ts`,
    '^@typetorrent/([a-z-]+)/([a-z-]+)$': `${root}/packages/$1/src/$2.ts`,
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    testEnvironmentOptions: { customExportConditions: ['@typetorrent/source', 'node', 'node-addons'] },
    reporters: ['default', `${root}/tools/ci/count-reporter.cjs`],
    testTimeout: 30_000,
  };
}
