/**
 * Regenerates src/schema.ts and src/input-schema.ts (the API's types) from the edge's OpenAPI document, loaded from the edge's own code
 * (no running server), with openapi-typescript. `--check` fails when the committed file is not current.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED, renderSchema } from './render.ts';

const here = import.meta.dirname;
const check = process.argv.includes('--check');

// The edge imports `cloudflare:workers`; a child process with a resolve hook loads it in Node and prints the document.
const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(here, 'register-stub.mjs'), join(here, 'print-openapi.ts')], { encoding: 'utf8' });
if (child.status !== 0) throw new Error(`reading the OpenAPI document failed:\n${child.stderr}`);
const doc: unknown = JSON.parse(child.stdout);
let stale = false;
for (const view of ['answers', 'requests'] as const) {
  const target = join(here, '..', 'src', GENERATED[view]);
  const text = await renderSchema(doc, view);
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch { /* missing */ }
  if (check && current !== text) {
    console.error(`client/src/${GENERATED[view]} is not current with the edge's OpenAPI document: run \`pnpm --filter @trawl/client generate\``);
    stale = true;
  } else if (!check && current !== text) {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
if (stale) process.exit(1);
if (check) console.log('client/src/schema.ts and input-schema.ts are current');
