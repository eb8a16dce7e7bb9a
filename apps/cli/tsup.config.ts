import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
  define: { CLI_VERSION: JSON.stringify(version) },
  sourcemap: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
