import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { hostPorts, startEdge } from '../../scripts/lib/stack.ts';
import { freePort } from '../../scripts/lib/proc.ts';
import { startDevOidc } from '../../oidc-dev/src/provider.ts';
import { startDemoSite } from '../../demo/src/server.ts';
import { startFixtureSite } from '../../fixtures/src/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    edgeUrl: string;
    /** Everything the Worker has logged so far (tests scan it for leaked secrets). */
    edgeLogPath: string;
    demoUrl: string;
    /** The pattern fixture site (fixtures/): one route per dynamic-loading pattern, with exact expected records. */
    fixtureUrl: string;
    fleetSecret: string;
    adminToken: string;
    /** FLEET_EGRESS_ALLOW for the files' fleet nodes: the demo and fixture sites' host:port, nothing else. */
    fleetAllow: string[];
  }
}

/** One real local stack for the end-to-end files: wrangler dev (workerd, local D1/R2/DO/Queues) and the demo site. */
export default async function setup(project: TestProject) {
  const persistDir = mkdtempSync(join(tmpdir(), 'trawl-e2e-'));
  const fleetSecret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const demo = await startDemoSite();
  const fixtures = await startFixtureSite();
  const edgePort = await freePort();
  const oidc = await startDevOidc({ redirectUris: [`http://127.0.0.1:${edgePort}/auth/callback`] });
  const edge = await startEdge({
    persistDir,
    port: edgePort,
    vars: { ENVIRONMENT: 'test', FLEET_SECRET: fleetSecret, ADMIN_TOKEN: adminToken, LEASE_MS: '3000', DISPATCH_TIMEOUT_MS: '20000',
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      RATE_LIMIT_KEY_PER_MIN: '5000', RATE_LIMIT_ORG_PER_MIN: '20000',
      OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidc.clientId, SESSION_TTL_MS: '6000',
      ORG_MAX_CONCURRENT_RUNS: '100', SITE_MIN_DELAY_MS: '50',
      // Test-sized (ADR 0048): a dead letter in seconds, and a WebSocket backlog of many pages even for a short run.
      QUEUE_RETRY_MAX_DELAY_S: '1', EVENT_PAGE_SIZE: '40' },
    echo: process.env.TRAWL_VERBOSE === '1',
  });
  const edgeLogPath = join(persistDir, 'edge.log');
  writeFileSync(edgeLogPath, edge.proc.output());
  const append = (chunk: Buffer) => appendFileSync(edgeLogPath, chunk);
  edge.proc.child.stdout?.on('data', append);
  edge.proc.child.stderr?.on('data', append);
  project.provide('edgeLogPath', edgeLogPath);
  project.provide('edgeUrl', edge.url);
  project.provide('demoUrl', demo.url);
  project.provide('fixtureUrl', fixtures.url);
  project.provide('fleetSecret', fleetSecret);
  project.provide('adminToken', adminToken);
  project.provide('fleetAllow', hostPorts(demo.url, fixtures.url));
  return async () => {
    await edge.stop();
    await demo.close();
    await fixtures.close();
    await oidc.close();
    rmSync(persistDir, { recursive: true, force: true });
  };
}
