// The engine's shape, kept by a test: no import cycles among its files (a part that imports its host
// back is a hub again) and no source file over 400 lines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const src = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(src, '../../..');
const MAX_LINES = 400;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('engine architecture', () => {
  it('has no import cycles (type-only imports included)', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'tools/ci/import-cycles.mjs'), src], { cwd: root, encoding: 'utf8' });
    expect(out.trim().split('\n').at(-1)).toBe('0 import cycles');
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = sources(src)
      .map((file) => ({ file: path.relative(src, file), lines: fs.readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
