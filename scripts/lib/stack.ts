/**
 * The local Trawl stack, used by `npm run dev`, the end-to-end tests and the benchmarks:
 * the Worker under `wrangler dev` (real workerd with local D1, R2, Durable Objects, Queues, Cron)
 * and browser-fleet nodes as child processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProc, waitForHttp, type Proc } from './proc.ts';
import { writeSecretFile } from './secret-file.ts';
import { childPids, cmdlineOf } from './proc-tree.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const BIN = join(ROOT, 'node_modules', '.bin');
const quietWrangler = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' };

export interface EdgeOptions {
  port?: number;
  persistDir: string;
  vars: Record<string, string>;
  echo?: boolean;
}
export interface Edge { url: string; proc: Proc; stop(): Promise<void> }

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the site into site/dist when it is missing or older than its sources (the Worker serves it as assets). */
export async function buildSiteIfStale(): Promise<void> {
  const index = join(ROOT, 'site', 'dist', 'index.html');
  // docs/ too: the site serves the guides (docs/*.md) as pages.
  const sources = [join(ROOT, 'site', 'src'), join(ROOT, 'site', 'public'), join(ROOT, 'site', 'astro.config.mjs'), join(ROOT, 'docs')].filter((d) => existsSync(d));
  if (!existsSync(index) || statSync(index).mtimeMs < Math.max(...sources.map((p) => statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs))) {
    await run(join(ROOT, 'site', 'node_modules', '.bin', 'astro'), ['build', '--silent'], { cwd: join(ROOT, 'site'), env: quietWrangler });
  }
  // Playwright's trace viewer, served at /trace/ (a build empties dist/, so it is copied after each one).
  if (!existsSync(join(ROOT, 'site', 'dist', 'trace', 'index.html'))) await run(process.execPath, [join(ROOT, 'scripts', 'copy-trace-viewer.mjs')], { cwd: ROOT });
}

/**
 * Builds the fleet node into browser-fleet/dist when missing or older than any of its inputs (browser-fleet/build.mjs,
 * ADR 0065): nodes run as plain JavaScript, without tsx. A fresh build takes about a second.
 */
export async function buildFleetIfStale(): Promise<string> {
  await run(process.execPath, [join(ROOT, 'browser-fleet', 'build.mjs')], { cwd: ROOT });
  return join(ROOT, 'browser-fleet', 'dist');
}

export async function applyMigrations(persistDir: string): Promise<void> {
  await run(join(BIN, 'wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir], { cwd: ROOT, env: { ...quietWrangler, CI: 'true' } });
}

/** Writes the Worker's vars as a dotenv file only this user can read; values are plain (no quotes or line breaks). */
export function writeDevVars(dir: string, vars: Record<string, string>): string {
  const lines = Object.entries(vars).map(([k, v]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(k) || /["'\\\n\r`$#]/.test(v)) throw new Error(`var ${k} cannot be written to .dev.vars as is`);
    return `${k}="${v}"`;
  });
  const path = join(dir, '.dev.vars');
  writeSecretFile(path, `${lines.join('\n')}\n`);
  return path;
}

export async function startEdge(opts: EdgeOptions): Promise<Edge> {
  await Promise.all([buildSiteIfStale(), applyMigrations(opts.persistDir)]);
  const port = opts.port ?? await freePort();
  const inspector = await freePort();
  // The local stack's sites (demo, fixtures, benchmark) live on loopback, so local runs allow private targets;
  // production config never sets ALLOW_PRIVATE_TARGETS (and the edge refuses it when ENVIRONMENT=production).
  const vars = { PUBLIC_URL: `http://127.0.0.1:${port}`, ALLOW_PRIVATE_TARGETS: 'true', ...opts.vars };
  // Vars (secrets among them) go in a mode-600 .dev.vars in the persist dir, never on the command line where
  // `ps` shows them to every user. --env-file makes wrangler read this file and no other (.dev.vars, .env).
  const varsFile = writeDevVars(opts.persistDir, vars);
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', opts.persistDir,
    '--env-file', varsFile, '--show-interactive-dev-session=false'];
  const proc = startProc(join(BIN, 'wrangler'), args, { cwd: ROOT, env: { ...quietWrangler, CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'true', CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false' }, name: 'edge', echo: opts.echo });
  const url = `http://127.0.0.1:${port}`;
  try {
    await proc.waitFor(/Ready on http/, 60_000);
    await waitForHttp(`${url}/health`, 30_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url, proc, stop: () => proc.stop() };
}

export interface FleetOptions {
  edgeUrl: string;
  secret: string;
  /**
   * FLEET_EGRESS_ALLOW: the private host:port pairs pages may reach (the demo and fixture sites a caller uses).
   * Required, so each caller names exactly what it needs; the node's own port and the edge's stay refused anyway.
   */
  allow: readonly string[];
  /** FLEET_HOSTS: names answered without DNS (name=address), for a stack that runs with production settings. */
  hosts?: Record<string, string>;
  port?: number;
  slots?: number;
  nodeId?: string;
  env?: Record<string, string>;
  echo?: boolean;
}
/** The host:port of each URL: the allowance entries for a caller's local sites. */
export const hostPorts = (...urls: string[]): string[] => urls.map((u) => {
  const url = new URL(u);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
});

export interface FleetNode { url: string; proc: Proc; stop(graceMs?: number): Promise<void>; kill(): Promise<void>; killNode(): number }

/** The node process (main.ts) its supervisor runs: a child of the supervisor (Linux /proc). */
export function nodeProcessOf(supervisorPid: number): number {
  const node = childPids(supervisorPid).find((p) => /main\.(ts|mjs)/.test(cmdlineOf(p)));
  if (node !== undefined) return node;
  throw new Error(`no fleet node process under supervisor ${supervisorPid}`);
}

export async function startFleet(opts: FleetOptions): Promise<FleetNode> {
  const port = opts.port ?? await freePort();
  const env = {
    ...process.env, FLEET_HOST: '127.0.0.1', FLEET_PORT: String(port), FLEET_SECRET: opts.secret, TRAWL_EDGE_URL: opts.edgeUrl,
    FLEET_SLOTS: String(opts.slots ?? 4), ...(opts.nodeId ? { FLEET_NODE_ID: opts.nodeId } : {}),
    // The demo and test sites listen on 127.0.0.1, which the egress proxy refuses unless a node allows their
    // host:port explicitly. Local stack only: production config never sets FLEET_EGRESS_ALLOW.
    FLEET_EGRESS_ALLOW: opts.allow.join(','),
    ...(opts.hosts ? { FLEET_HOSTS: Object.entries(opts.hosts).map(([n, a]) => `${n}=${a}`).join(',') } : {}),
    ...opts.env,
  };
  // Under its supervisor, as in the fleet image: a node process that dies is restarted and its tasks reported at once.
  // Built, without tsx (ADR 0065): the supervisor and its node process are plain JavaScript with source maps.
  // TRAWL_FLEET_SOURCES=true runs the sources under tsx instead (the benchmark's before/after A/B).
  const entry = (env as NodeJS.ProcessEnv).TRAWL_FLEET_SOURCES === 'true' ? ['--import', 'tsx', join(ROOT, 'browser-fleet', 'src', 'supervisor.ts')]
    : ['--enable-source-maps', join(await buildFleetIfStale(), 'supervisor.mjs')];
  const proc = startProc(process.execPath, entry, { cwd: ROOT, env, name: 'fleet', echo: opts.echo });
  const m = await proc.waitFor(/FLEET READY (\S+)/, 30_000);
  return {
    url: m[1]!,
    proc,
    stop: (graceMs = 25_000) => proc.stop(graceMs),
    /** Like a crashed node process (its supervisor lives on): SIGKILL to the node process only; returns its pid. */
    killNode() {
      const pid = nodeProcessOf(proc.child.pid!);
      process.kill(pid, 'SIGKILL');
      return pid;
    },
    /** Like a crashed machine: SIGKILL to the supervisor, the node and its browsers, no chance to hand work back. */
    async kill() {
      try { process.kill(-proc.child.pid!, 'SIGKILL'); } catch { /* gone */ }
      await proc.stop(100);
    },
  };
}

export interface OrgCredentials { orgId: string; key: string; ownerEmail: string }

/** Provisions an organization with an owner key through the operator route. */
export async function createOrg(edgeUrl: string, adminToken: string, name: string): Promise<OrgCredentials> {
  const ownerEmail = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
  const res = await fetch(`${edgeUrl}/internal/admin/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, ownerEmail, ownerName: name }),
  });
  if (res.status !== 201) throw new Error(`creating org failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { org: { id: string }; apiKey: { key: string } };
  return { orgId: body.org.id, key: body.apiKey.key, ownerEmail };
}
