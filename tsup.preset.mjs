// Shared tsup setup, so every package builds the same way and a package's tsup.config.ts says only
// what differs (its entry points). ESM only for Node 20; declarations are built without the
// `@typetorrent/source` condition so they point at sibling packages' dist, as users will see them.
import { readFileSync } from 'node:fs';

const base = {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
};

/** A library package: `src/index.ts` unless `entry` says otherwise. */
export function library(overrides = {}) {
  return { ...base, ...overrides };
}

/**
 * An executable: `src/main.ts` with a shebang, no declarations, and the package's version compiled
 * in as `CLI_VERSION`. `configUrl` is the import.meta.url of the app's tsup.config.ts.
 */
export function executable(configUrl) {
  const { version } = JSON.parse(readFileSync(new URL('./package.json', configUrl), 'utf8'));
  return {
    ...base,
    entry: ['src/main.ts'],
    dts: false,
    banner: { js: '#!/usr/bin/env node' },
    define: { CLI_VERSION: JSON.stringify(version) },
  };
}
