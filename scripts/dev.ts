/**
 * `npm run dev`: the whole product on this machine. The Worker under wrangler dev (local D1, R2, Durable Objects,
 * Queues, Cron) with migrations applied, one fleet node with its Chromium pool, the demo site to scrape and the
 * pattern fixture site the cookbook's jobs run against (docs/cookbook.md).
 * First start creates a dev organization, an owner, an API key and a demo job; they are kept in .trawl/dev.json
 * (TRAWL_DEV_STATE_DIR: another directory, as the getting-started test does).
 * Ctrl-C stops everything it started.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startDemoSite } from '../demo/src/server.ts';
import { startFixtureSite } from '../fixtures/src/server.ts';
import { demoJobSpec } from './lib/demo-job.ts';
import { startDevOidc } from '../oidc-dev/src/provider.ts';
import { freePort } from './lib/proc.ts';
import { ROOT, createOrg, hostPorts, startEdge, startFleet } from './lib/stack.ts';

interface DevState { fleetSecret: string; adminToken: string; credentialsKey?: string; key?: string; orgId?: string; jobId?: string }

const stateDir = process.env.TRAWL_DEV_STATE_DIR || join(ROOT, '.trawl');
const statePath = join(stateDir, 'dev.json');
// Owner-only: it holds the dev secrets and the local database, and the fleet's browsers run as another user.
mkdirSync(stateDir, { recursive: true, mode: 0o700 });
chmodSync(stateDir, 0o700);
const state: DevState = existsSync(statePath)
  ? (JSON.parse(readFileSync(statePath, 'utf8')) as DevState)
  : { fleetSecret: randomBytes(24).toString('hex'), adminToken: randomBytes(24).toString('hex') };
// Stored logins are encrypted with it; kept in .trawl/ so they stay readable across restarts.
state.credentialsKey ??= randomBytes(32).toString('hex');
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2), { mode: 0o600 });
save();

/** TRAWL_DEV_ALLOW="127.0.0.1:3000,localhost:5173": local sites of the developer's own that dev pages may reach. */
function devAllow(text: string | undefined): string[] {
  const entries = (text ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(e));
  if (bad.length) throw new Error(`TRAWL_DEV_ALLOW takes host:port entries (like 127.0.0.1:3000,localhost:5173), not: ${bad.join(', ')}`);
  return entries;
}

const portOr = async (want: number) => {
  const { createServer } = await import('node:net');
  return new Promise<number>((resolve) => {
    const s = createServer().once('error', () => resolve(freePort())).listen(want, '127.0.0.1', () => s.close(() => resolve(want)));
  });
};

const stops: Array<() => Promise<void>> = [];
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Trawl…');
  for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(String(e)));
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const ownSites = devAllow(process.env.TRAWL_DEV_ALLOW);
  const demo = await startDemoSite({ port: await portOr(8788) });
  stops.push(() => demo.close());
  console.log(`Demo site   ${demo.url}`);
  const fixtures = await startFixtureSite({ port: await portOr(8789) });
  stops.push(() => fixtures.close());
  console.log(`Patterns    ${fixtures.url}   (the cookbook's pages)`);

  const edgePort = await portOr(8787);
  const oidc = await startDevOidc({ port: await portOr(8791), redirectUris: [`http://127.0.0.1:${edgePort}/auth/callback`] });
  stops.push(() => oidc.close());
  console.log(`OIDC (dev)  ${oidc.issuer}   (any login name and password)`);
  const edge = await startEdge({
    port: edgePort,
    persistDir: join(stateDir, 'wrangler'),
    vars: { ENVIRONMENT: 'development', FLEET_SECRET: state.fleetSecret, ADMIN_TOKEN: state.adminToken, CREDENTIALS_KEY: state.credentialsKey, LEASE_MS: '15000',
      OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidc.clientId },
    echo: process.env.TRAWL_VERBOSE === '1',
  });
  stops.push(() => edge.stop());
  console.log(`Edge (API)  ${edge.url}`);

  // Pages reach the demo site and the developer's own sites of TRAWL_DEV_ALLOW (host:port list), nothing else local.
  const allow = [...hostPorts(demo.url, fixtures.url), ...ownSites];
  const fleet = await startFleet({ edgeUrl: edge.url, secret: state.fleetSecret, allow, port: await portOr(8790), slots: 4, echo: process.env.TRAWL_VERBOSE === '1' });
  stops.push(() => fleet.stop(10_000));
  console.log(`Fleet node  ${fleet.url}   (pages may reach: ${allow.join(', ')})`);

  const auth = () => ({ authorization: `Bearer ${state.key}`, 'content-type': 'application/json' });
  const keyWorks = state.key ? (await fetch(`${edge.url}/v1/jobs?limit=1`, { headers: auth() })).ok : false;
  if (!keyWorks) {
    const org = await createOrg(edge.url, state.adminToken, 'Dev');
    Object.assign(state, { key: org.key, orgId: org.orgId, jobId: undefined });
  }
  const jobOk = state.jobId ? (await fetch(`${edge.url}/v1/jobs/${state.jobId}`, { headers: auth() })).ok : false;
  if (!jobOk) {
    const res = await fetch(`${edge.url}/v1/jobs`, { method: 'POST', headers: auth(), body: JSON.stringify({ name: 'Demo catalog', spec: demoJobSpec(demo.url) }) });
    if (!res.ok) throw new Error(`creating the demo job failed: ${await res.text()}`);
    state.jobId = ((await res.json()) as { id: string }).id;
  }
  save();

  console.log(`
Trawl is running.
  Site and API reference  ${edge.url}/   ${edge.url}/v1/docs
  Sign in (browser)       ${edge.url}/auth/login   (dev provider: any login name and password)
  Dev organization        ${state.orgId}
  API key (owner)         ${state.key}
  Demo job                ${state.jobId}

For the getting-started guide (docs/getting-started.md), in another terminal:
  export TRAWL_API_URL=${edge.url} TRAWL_API_KEY=${state.key} TRAWL_DEMO=${demo.url} TRAWL_PATTERNS=${fixtures.url}

Start a demo run:
  curl -s -X POST -H "Authorization: Bearer ${state.key}" ${edge.url}/v1/jobs/${state.jobId}/runs

Then, with RUN_ID from its answer:
  curl -s -H "Authorization: Bearer ${state.key}" ${edge.url}/v1/runs/RUN_ID
  curl -s -H "Authorization: Bearer ${state.key}" "${edge.url}/v1/runs/RUN_ID/results?format=csv"

Ctrl-C stops everything.`);
} catch (err) {
  console.error(`npm run dev failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
}
