// Builds the fleet node into dist/ (ADR 0065): plain JavaScript that `node` runs without tsx, so neither the node
// process nor its supervisor loads a TypeScript compiler at run time. Plain JavaScript itself, so nothing has to be
// compiled to compile it. The workspace's TypeScript packages (@trawl/*) and the packages this package does not
// declare are bundled in; the declared ones (playwright-core, happy-dom, ...) stay imports, loaded from node_modules
// when first needed. Source maps: stack traces (node --enable-source-maps) point at src/*.ts.
//
//   node browser-fleet/build.mjs            build when missing or older than any of its inputs
//   node browser-fleet/build.mjs --force    build anyway
import { readFileSync, renameSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';

const HERE = import.meta.dirname;
export const DIST = join(HERE, 'dist');
const META = join(DIST, 'inputs.json');

/** Entry points: the supervisor, the node process it forks, and the post-processing worker thread. */
const ENTRIES = {
  supervisor: 'src/supervisor.ts',
  main: 'src/main.ts',
  'post-process-worker': 'src/post-process/worker-entry.mjs',
};

const WORKSPACE_SOURCES = [join(HERE, '..', 'schemas', 'src'), join(HERE, '..', 'engine', 'src')];

/**
 * The workspace's shared packages declare their schemas and helpers at top level without side effects: marked so,
 * a bundle keeps only what it uses (the supervisor needs a few paths and the signing, not every zod schema).
 */
const sharedPackagesPure = {
  name: 'shared-packages-pure',
  setup(b) {
    b.onResolve({ filter: /./ }, async (args) => {
      if (args.pluginData === 'inner' || args.kind === 'entry-point') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'inner' });
      if (r.errors.length || r.external || !WORKSPACE_SOURCES.some((d) => r.path.startsWith(d))) return r.errors.length ? { errors: r.errors } : r;
      return { ...r, sideEffects: false };
    });
  },
};

function declaredPackages() {
  const pkg = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies ?? {}).filter((n) => !n.startsWith('@trawl/'));
}

/** True when dist/ is missing or any file that went into it changed since (esbuild's own list of inputs). */
export function isStale() {
  if (!existsSync(META)) return true;
  const { builtAt, inputs } = JSON.parse(readFileSync(META, 'utf8'));
  return [...inputs, 'package.json', 'build.mjs'].some((p) => {
    try { return statSync(join(HERE, p)).mtimeMs > builtAt; } catch { return true; }
  });
}

export async function build() {
  const { build: esbuild } = await import('esbuild');
  const external = [...declaredPackages(), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
  const startedAt = Date.now();
  const result = await esbuild({
    absWorkingDir: HERE,
    entryPoints: ENTRIES,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    // Separate chunks for what is imported lazily (happy-dom with the first fast task, ADR 0065).
    splitting: true,
    chunkNames: '[name]-[hash]',
    // Playwright sends functions to pages as their source; the engine's in-page code expects tsx's output
    // (keepNames, with a local no-op __name sent along: engine/src/in-page.ts), so the bundle keeps names as tsx did.
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: external.flatMap((n) => [n, `${n}/*`]),
    // Bundled CommonJS dependencies may call require(); ESM output has none of its own.
    banner: { js: "import { createRequire as __trawlRequire } from 'node:module'; const require = __trawlRequire(import.meta.url);" },
    plugins: [sharedPackagesPure],
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(DIST, { recursive: true });
  // Each file is written aside and renamed: fleets started at the same moment never load a half-written one.
  for (const f of result.outputFiles) {
    mkdirSync(dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(HERE, join(HERE, p)));
  const tmp = `${META}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ builtAt: startedAt, inputs }));
  renameSync(tmp, META);
}

/** Builds when stale; what `npm run dev`, the end-to-end stacks and the benchmarks call before starting a node. */
export async function ensureBuilt() {
  if (isStale()) await build();
  return DIST;
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv.includes('--force')) await build();
  else await ensureBuilt();
}
