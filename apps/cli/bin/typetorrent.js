#!/usr/bin/env node
// The `typetorrent` command as npm links it (package.json "bin"). It is committed, unlike dist/, so
// `npm ci` can link it on a fresh clone before anything is built; it only loads the built CLI.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'typetorrent: the command is not built yet: run `npm run build` (or `npm run demo`) in the repository first\n',
  );
  process.exit(1);
}
await import(main.href);
