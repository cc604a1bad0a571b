import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { buildFleetIfStale, buildSiteIfStale, hostPorts, startEdge } from '../../scripts/lib/stack.ts';
import { freePort } from '../../scripts/lib/proc.ts';
import { startDevOidc } from '../../oidc-dev/src/provider.ts';
import { startDemoSite } from '../../demo/src/server.ts';
import { startFixtureSite } from '../../fixtures/src/server.ts';
import { TEST_SESSION_TTL_MS } from './session-ttl.ts';
import { E2E_STACKS } from './stack-count.ts';

/** What a test file needs of the local stack it runs against. */
export interface StackContext {
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
  /** Where notifications.test.ts listens (ADR 0046): its webhook receiver (the one NOTIFY_EGRESS_ALLOW entry), SMTP and DoH servers. */
  notifyPorts: { webhook: number; smtp: number; doh: number };
}

declare module 'vitest' {
  export interface ProvidedContext extends StackContext {
    /** One context per stack; `stacks.ts` (a setup file) copies the claimed one over the keys above. */
    stacks: StackContext[];
    /** Where files claim a stack (stacks.ts). */
    stackLockDir: string;
  }
}

/** One real local stack: wrangler dev (workerd, local D1/R2/DO/Queues), the demo and fixture sites, the OIDC provider. */
async function startStack(): Promise<{ context: StackContext; stop(): Promise<void> }> {
  const persistDir = mkdtempSync(join(tmpdir(), 'trawl-e2e-'));
  const fleetSecret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const demo = await startDemoSite();
  const fixtures = await startFixtureSite();
  const edgePort = await freePort();
  const notifyPorts = { webhook: await freePort(), smtp: await freePort(), doh: await freePort() };
  const oidc = await startDevOidc({ redirectUris: [`http://127.0.0.1:${edgePort}/auth/callback`] });
  const edge = await startEdge({
    persistDir,
    port: edgePort,
    vars: { ENVIRONMENT: 'test', FLEET_SECRET: fleetSecret, ADMIN_TOKEN: adminToken, LEASE_MS: '3000', DISPATCH_TIMEOUT_MS: '20000',
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      RATE_LIMIT_KEY_PER_MIN: '5000', RATE_LIMIT_ORG_PER_MIN: '20000',
      OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidc.clientId, SESSION_TTL_MS: String(TEST_SESSION_TTL_MS),
      ORG_MAX_CONCURRENT_RUNS: '100', SITE_MIN_DELAY_MS: '50',
      // Notifications: immediate retries, so notifications.test.ts takes seconds; its servers listen on these ports.
      NOTIFY_EGRESS_ALLOW: `127.0.0.1:${notifyPorts.webhook}`, NOTIFY_DOH_URL: `http://127.0.0.1:${notifyPorts.doh}/dns-query`,
      SMTP_URL: `smtp://127.0.0.1:${notifyPorts.smtp}`, NOTIFY_EMAIL_FROM: 'trawl@notify.test',
      NOTIFY_RETRY_BASE_SECONDS: '0', NOTIFY_MAX_ATTEMPTS: '4', NOTIFY_DISABLE_AFTER: '4',
      // Unit prices for the usage report (freshness-retention.test.ts works the cost out from them).
      PRICE_PER_RUN: '0.01', PRICE_PER_PAGE: '0.002', PRICE_PER_BROWSER_HOUR: '0.5', PRICE_PER_GB_MONTH: '0.02', PRICE_CURRENCY: 'EUR',
      // Test-sized (ADR 0048): a dead letter in seconds, and a WebSocket backlog of many pages even for a short run.
      QUEUE_RETRY_MAX_DELAY_S: '1', EVENT_PAGE_SIZE: '40' },
    echo: process.env.TRAWL_VERBOSE === '1',
  });
  const edgeLogPath = join(persistDir, 'edge.log');
  writeFileSync(edgeLogPath, edge.proc.output());
  const append = (chunk: Buffer) => appendFileSync(edgeLogPath, chunk);
  edge.proc.child.stdout?.on('data', append);
  edge.proc.child.stderr?.on('data', append);
  const context: StackContext = { edgeUrl: edge.url, edgeLogPath, demoUrl: demo.url, fixtureUrl: fixtures.url, fleetSecret, adminToken,
    fleetAllow: hostPorts(demo.url, fixtures.url), notifyPorts };
  return {
    context,
    async stop() {
      await edge.stop();
      await demo.close();
      await fixtures.close();
      await oidc.close();
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}

/**
 * The end-to-end files run on E2E_STACKS independent stacks at once, one file per stack at a time (a file that
 * kills fleet nodes disturbs only its own stack, whose nodes no other file's tasks can reach).
 */
export default async function setup(project: TestProject) {
  // Built once here, so the files' fleet nodes (startFleet) find it current (ADR 0065).
  await Promise.all([buildSiteIfStale(), buildFleetIfStale()]);
  const stacks = await Promise.all(Array.from({ length: E2E_STACKS }, () => startStack()));
  const contexts = stacks.map((s) => s.context);
  project.provide('stacks', contexts);
  const stackLockDir = mkdtempSync(join(tmpdir(), 'trawl-e2e-stacks-'));
  project.provide('stackLockDir', stackLockDir);
  // The plain keys name the first stack until stacks.ts points them at the worker's own.
  for (const [key, value] of Object.entries(contexts[0] ?? {})) project.provide(key as keyof StackContext, value as never);
  return async () => {
    await Promise.all(stacks.map((s) => s.stop()));
    rmSync(stackLockDir, { recursive: true, force: true });
  };
}
