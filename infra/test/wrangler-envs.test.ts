import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { configOf, type Env } from '../../edge/src/env.ts';

/**
 * The deployed environments (staging, production) must bind everything the local top level binds: wrangler does
 * not inherit bindings, vars or queues into an environment, so a binding added for `npm run dev` alone would be
 * missing in production and fail only there.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const ENVS = ['staging', 'production'] as const;

interface Named { binding?: string; name?: string; class_name?: string; queue?: string }
interface Consumer { queue: string; dead_letter_queue?: string; [k: string]: unknown }
interface Section {
  name?: string;
  vars?: Record<string, string>;
  d1_databases?: Named[];
  r2_buckets?: Named[];
  durable_objects?: { bindings?: Named[] };
  queues?: { producers?: Named[]; consumers?: Consumer[] };
}
const config = parse(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')) as Section & { env?: Record<string, Section> };

const bindings = (s: Section) => ({
  d1: (s.d1_databases ?? []).map((b) => b.binding).sort(),
  r2: (s.r2_buckets ?? []).map((b) => b.binding).sort(),
  objects: (s.durable_objects?.bindings ?? []).map((b) => `${b.name}=${b.class_name}`).sort(),
  producers: (s.queues?.producers ?? []).map((b) => b.binding).sort(),
});
/** A consumer's settings with the environment's queue names mapped back to the top level's. */
const consumers = (s: Section, env?: string) => (s.queues?.consumers ?? []).map((c) => {
  const local = (q: string | undefined) => q && env ? q.replace(`trawl-${env}-`, 'trawl-') : q;
  return { ...c, queue: local(c.queue), dead_letter_queue: local(c.dead_letter_queue) };
});

const out = mkdtempSync(join(tmpdir(), 'trawl-dry-run-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('wrangler environments', () => {
  for (const env of ENVS) {
    const section = config.env?.[env];
    it(`${env} binds what the top level binds, under its own resources`, () => {
      expect(section, `[env.${env}] is missing`).toBeDefined();
      if (!section) return;
      expect(bindings(section)).toEqual(bindings(config));
      expect(consumers(section, env)).toEqual(consumers(config));
      const missingVars = Object.keys(config.vars ?? {}).filter((k) => !(k in (section.vars ?? {})));
      expect(missingVars).toEqual([]);
      // Both are deployments: production's rules (edge/src/env.ts refuses private targets there).
      expect(section.vars?.ENVIRONMENT).toBe('production');
      expect(section.vars?.ALLOW_PRIVATE_TARGETS).toBeUndefined();
      // The Worker accepts these vars with the secrets set (it refuses to start on a bad setting).
      expect(() => configOf({ ...section.vars, FLEET_SECRET: 'x'.repeat(32) } as unknown as Env)).not.toThrow();
      expect(section.vars?.ADMIN_TOKEN).toBeUndefined();
      // Its own database, bucket and queues: staging never writes production's.
      const names = [...(section.d1_databases ?? []).map((d) => (d as { database_name?: string }).database_name),
        ...(section.r2_buckets ?? []).map((b) => (b as { bucket_name?: string }).bucket_name),
        ...(section.queues?.producers ?? []).map((p) => p.queue)];
      for (const n of names) expect(n).toContain(env);
    });

    it(`wrangler deploy --dry-run --env ${env} builds the Worker offline`, async () => {
      const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'wrangler'),
        ['deploy', '--dry-run', '--env', env, '--outdir', join(out, env), '--assets', mkdtempSync(join(out, 'assets-'))],
        { cwd: ROOT, env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' } });
      for (const b of ['env.DB', 'env.BUCKET', 'env.TASKS', 'env.RUN_COORDINATOR', 'env.BROWSER_SESSION', 'env.ASSETS']) expect(stdout).toContain(b);
      expect(stdout).toContain('env.ENVIRONMENT ("production")');
      expect(stdout).toContain('--dry-run: exiting now.');
    }, 60_000);
  }
});
