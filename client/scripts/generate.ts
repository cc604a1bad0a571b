/**
 * Regenerates src/schema.ts (the API's types) from the edge's OpenAPI document, loaded from the edge's own code
 * (no running server), with openapi-typescript. `--check` fails when the committed file is not current.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchema } from './render.ts';

const here = import.meta.dirname;
const target = join(here, '..', 'src', 'schema.ts');
const check = process.argv.includes('--check');

// The edge imports `cloudflare:workers`; a child process with a resolve hook loads it in Node and prints the document.
const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(here, 'register-stub.mjs'), join(here, 'print-openapi.ts')], { encoding: 'utf8' });
if (child.status !== 0) throw new Error(`reading the OpenAPI document failed:\n${child.stderr}`);
const text = await renderSchema(JSON.parse(child.stdout));
if (check) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch { /* missing */ }
  if (current !== text) {
    console.error('client/src/schema.ts is not current with the edge\'s OpenAPI document: run `pnpm --filter @trawl/client generate`');
    process.exit(1);
  }
  console.log('client/src/schema.ts is current');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
