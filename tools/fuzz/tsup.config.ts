import { defineConfig } from 'tsup';

// Only the command line is built; tests run from source through jest.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
