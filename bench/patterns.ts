/**
 * User-pattern benchmark (not a test): `node --import tsx bench/patterns.ts [--reps 15]`.
 * 1. The `regex` and `replace` steps over 2,000 short values: JavaScript's RegExp (before ADR 0022) against the
 *    RE2JS path the engine uses now, interleaved, best of --reps (the machine is shared: the minimum is the cost).
 * 2. Catastrophic patterns on long inputs through the engine: time per call (RegExp would not finish).
 */
import { parseArgs } from 'node:util';
import { records } from '@trawl/fixtures';
import { ProcessStep } from '@trawl/schemas';
import { applyStep } from '@trawl/engine';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '15' } } });
const reps = Number(args.reps);
const ctx = { baseUrl: 'http://127.0.0.1/', now: 0 };
const values = records('BIG', 'Big item', 2000).flatMap((r) => [r.sku, `${r.name}  $${r.price.toFixed(2)}`]);

const steps = [
  ProcessStep.parse({ op: 'regex', pattern: '(\\d+)$' }),
  ProcessStep.parse({ op: 'regex', pattern: '\\$([\\d.,]+)' }),
  ProcessStep.parse({ op: 'replace', pattern: '\\s+', with: '-' }),
  ProcessStep.parse({ op: 'replace', pattern: '(\\w+) (\\w+)', with: '$2 $1' }),
];
// The steps as the engine ran them before: a RegExp per call (V8 caches the compiled code).
function before(step: ProcessStep, s: string): unknown {
  if (step.op === 'regex') return new RegExp(step.pattern).exec(s)?.[step.group] ?? null;
  if (step.op === 'replace') return s.replace(new RegExp(step.pattern, 'g'), step.with);
  return null;
}

const best = (xs: number[]): number => Math.min(...xs);
console.log(`## regex/replace over ${values.length} values, best of ${reps}`);
for (const step of steps) {
  const old: number[] = [];
  const now: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    for (const v of values) before(step, v);
    old.push(performance.now() - t);
    t = performance.now();
    for (const v of values) applyStep(v, step, ctx);
    now.push(performance.now() - t);
  }
  const label = `${step.op} ${'pattern' in step ? step.pattern : ''}`.padEnd(28);
  console.log(`${label} RegExp ${best(old).toFixed(2)} ms   RE2JS ${best(now).toFixed(2)} ms   (${(best(now) / best(old)).toFixed(2)}x)`);
}

console.log('\n## catastrophic patterns, 50,000-character inputs, one call each through the engine');
const long = 'a'.repeat(50_000);
const cases: Array<[string, string]> = [['(a+)+$', `${long}!`], ['(a|aa)+$', `${long}!`], ['(a|a?)+$', `${long}!`], ['(.*a){20}', long],
  ['([a-zA-Z]+)*$', `${long}1`], ['(\\w+\\s?)*$', `${'word '.repeat(10_000)}!`]];
for (const [pattern, input] of cases) {
  const step = ProcessStep.parse({ op: 'regex', pattern });
  const t = performance.now();
  const out = applyStep(input, step, ctx);
  console.log(`${pattern.padEnd(16)} ${(performance.now() - t).toFixed(0).padStart(5)} ms   → ${JSON.stringify(out)?.slice(0, 20)}`);
}
