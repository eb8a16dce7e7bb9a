// `npm run fuzz [-- --seconds N] [--target NAME]...`: fuzzes each target in turn for N seconds (default
// 60), prints one line per target, saves findings under crashers/<target>/, and exits 1 on any finding.
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CoverageProbe } from './coverage.js';
import { CORPUS_DIR, CRASHERS_DIR, readInputs, saveFinding } from './files.js';
import { fuzz } from './runner.js';
import { seedInputs } from './seeds.js';
import { TARGETS } from './targets/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    target: { type: 'string', multiple: true },
    seed: { type: 'string' },
    list: { type: 'boolean', default: false },
    'write-seeds': { type: 'boolean', default: false },
    'labels-only': { type: 'boolean', default: false },
  },
});

if (values['write-seeds']) {
  // Regenerates the generated seeds (hand-made files in the folders stay).
  for (const [target, inputs] of Object.entries(seedInputs())) {
    fs.mkdirSync(path.join(CORPUS_DIR, target), { recursive: true });
    inputs.forEach((bytes, i) => fs.writeFileSync(path.join(CORPUS_DIR, target, `seed-${String(i).padStart(2, '0')}`), bytes));
  }
  console.log(`seeds written to ${CORPUS_DIR}`);
  process.exit(0);
}

if (values.list) {
  for (const target of TARGETS) console.log(target.name);
  process.exit(0);
}

const seconds = Number(values.seconds);
if (!(seconds > 0)) {
  console.error(`--seconds must be a positive number, got ${values.seconds}`);
  process.exit(2);
}
const wanted = values.target ?? [];
const unknown = wanted.filter((name) => !TARGETS.some((t) => t.name === name));
if (unknown.length > 0) {
  console.error(`unknown target ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
// On stderr, so stdout is exactly one line per target; rerun with --seed to repeat a run (given the same timing).
console.error(`fuzz: seed ${seed}, ${seconds} s per target${(globalThis as { gc?: unknown }).gc === undefined ? ', leak check off (run node with --expose-gc)' : ''}`);

let total = 0;
for (const target of TARGETS.filter((t) => wanted.length === 0 || wanted.includes(t.name))) {
  const seeds = [...readInputs(CORPUS_DIR, target.name), ...readInputs(CRASHERS_DIR, target.name)].map((s) => s.bytes);
  const coverage = values['labels-only'] ? undefined : CoverageProbe.start();
  const result = fuzz(target, {
    seconds,
    seed,
    seeds,
    ...(coverage === undefined ? {} : { coverage }),
    onFinding: (finding) => {
      const file = saveFinding(finding);
      console.error(`  ${target.name}: ${finding.kind}: ${finding.message.split('\n').slice(0, 4).join('\n    ')}\n    saved as ${file}`);
    },
  });
  coverage?.stop();
  console.error(`  ${target.name}: corpus ${result.corpusSize} inputs, ${result.labels} outcome labels${coverage === undefined ? '' : `, ${result.blocks} blocks of parser code covered`}`);
  total += result.findings.length;
  console.log(`target ${target.name}: ${result.runs} runs, ${result.findings.length} findings`);
}
process.exit(total > 0 ? 1 : 0);
