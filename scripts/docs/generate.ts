/** Writes the generated docs: `node --import tsx scripts/docs/generate.ts`; `--check` fails when one is stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cookbookMarkdown } from './cookbook.ts';
import { jobSpecReference } from './jobspec-reference.ts';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');
export const GENERATED: Record<string, () => string> = {
  'cookbook.md': cookbookMarkdown,
  'jobspec.md': jobSpecReference,
};

if (process.argv[1] === import.meta.filename) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, make] of Object.entries(GENERATED)) {
    const path = join(DOCS, file);
    const text = make();
    const old = (() => { try { return readFileSync(path, 'utf8'); } catch { return ''; } })();
    if (old === text) continue;
    if (check) { stale++; console.error(`docs/${file} is stale: run node --import tsx scripts/docs/generate.ts`); } else { writeFileSync(path, text); console.log(`wrote docs/${file}`); }
  }
  process.exit(stale ? 1 : 0);
}
