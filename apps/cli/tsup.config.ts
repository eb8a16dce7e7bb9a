import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ["src/main.ts"],
  format: ['esm'],
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
