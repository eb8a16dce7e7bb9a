#!/usr/bin/env node
// Finds import cycles among a package's source files (type-only imports count too: a circle of
// types is still a circle a reader has to hold in their head). Prints each cycle; exits 1 if any.
// Usage: node tools/ci/import-cycles.mjs packages/engine/src [more dirs...]
import fs from 'node:fs';
import path from 'node:path';

export function importGraph(dir) {
  const files = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(dir);
  const graph = new Map();
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = new Set();
    for (const match of text.matchAll(pattern)) {
      const target = path.resolve(path.dirname(file), match[1].replace(/\.js$/, '.ts'));
      if (fs.existsSync(target)) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself). */
export function cycles(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const visit = (v) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) out.push(component);
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let found = 0;
  for (const dir of process.argv.slice(2)) {
    for (const component of cycles(importGraph(path.resolve(dir)))) {
      found++;
      console.log(`import cycle in ${dir}: ${component.map((f) => path.relative(process.cwd(), f)).sort().join(' <-> ')}`);
    }
  }
  console.log(`${found} import cycles`);
  process.exit(found > 0 ? 1 : 0);
}
