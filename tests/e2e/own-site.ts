import { createServer, type RequestListener, type Server } from 'node:http';
import { expect, inject } from 'vitest';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg } from './client.ts';

export interface OwnSite {
  /** The site's origin, http://127.0.0.1:<port>. */
  url: string;
  org: Awaited<ReturnType<typeof newOrg>>;
  fleet: FleetNode;
  close(): Promise<void>;
}

/**
 * A test's own site (pages the test shapes and changes between runs), a new organization, and a fleet node allowed
 * to reach the site besides the stack's demo and fixture sites. The organization lifts the per-site politeness
 * limits, since every page of the test is on this one site.
 */
export async function startOwnSite(orgName: string, handler: RequestListener, slots = 2): Promise<OwnSite> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const [org, fleet] = await Promise.all([
    newOrg(orgName),
    startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: [...inject('fleetAllow'), new URL(url).host], slots }),
  ]);
  expect((await api(org.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits: { siteMaxConcurrent: 10, siteMinDelayMs: 0 } })).status).toBe(200);
  return {
    url, org, fleet,
    async close() {
      await fleet.stop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
