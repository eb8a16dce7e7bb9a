// The fuzz project's folders: corpus/<target>/ holds committed seeds, crashers/<target>/ holds every
// finding ever saved (committed too: each one is replayed by the regression test).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from './runner.js';

/** tools/fuzz, from src/ (jest) or dist/ (the built command) alike. */
export const FUZZ_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = path.join(FUZZ_ROOT, 'corpus');
export const CRASHERS_DIR = path.join(FUZZ_ROOT, 'crashers');

export interface SavedInput {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Every input file in `dir/<target>`, sorted by name; notes (`.txt`) are skipped. */
export function readInputs(dir: string, target: string): SavedInput[] {
  const folder = path.join(dir, target);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => !name.endsWith('.txt') && !name.startsWith('.'))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(fs.readFileSync(path.join(folder, name))) }));
}

/** Saves a finding as crashers/<target>/<kind>-<sha1 prefix>.bin with a .txt note beside it; returns the path. */
export function saveFinding(finding: Finding, dir = CRASHERS_DIR): string {
  const folder = path.join(dir, finding.target);
  fs.mkdirSync(folder, { recursive: true });
  const id = createHash('sha1').update(finding.input).digest('hex').slice(0, 16);
  const file = path.join(folder, `${finding.kind}-${id}.bin`);
  fs.writeFileSync(file, finding.input);
  fs.writeFileSync(file.replace(/\.bin$/, '.txt'), `${finding.kind}: ${finding.message}\n`);
  return file;
}
