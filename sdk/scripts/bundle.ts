/**
 * One self-contained ESM file of the SDK (with @trawl/client and openapi-fetch inside) for runtimes that do not
 * resolve a package tree the way Node does: a Deno script, a browser `<script type="module">`, a Worker (ADR 0052).
 * `platform: 'neutral'` keeps esbuild from assuming Node or a browser: a Node built-in imported anywhere fails
 * the bundle instead of shipping something that breaks outside Node.
 *
 *   node --import tsx sdk/scripts/bundle.ts [outfile]   (default sdk/dist/trawl-sdk.js)
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const SDK_DIR = join(import.meta.dirname, '..');
export const DEFAULT_BUNDLE = join(SDK_DIR, 'dist', 'trawl-sdk.js');

/** Writes the bundle and answers its path. */
export async function bundleSdk(outfile = DEFAULT_BUNDLE, opts: { minify?: boolean } = {}): Promise<string> {
  await build({
    entryPoints: [join(SDK_DIR, 'src', 'index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: opts.minify ?? false,
    sourcemap: false,
    legalComments: 'inline',
    logLevel: 'silent',
  });
  return outfile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await bundleSdk(process.argv[2]));
}
