import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { getPolicy, putPolicy, PolicyInput } from '../../services/policy/policy.ts';
import { errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['Policy'];
const Limits = z.object({ siteMaxConcurrent: z.number().nullable(), siteMinDelayMs: z.number().nullable(), maxTasksInFlight: z.number().nullable(), maxConcurrentRuns: z.number().nullable() });
const Policy = z.object({
  allowDomains: z.array(z.string()), denyDomains: z.array(z.string()), limits: Limits,
  effective: z.object({ siteMaxConcurrent: z.number(), siteMinDelayMs: z.number(), orgMaxTasksInFlight: z.number(), maxConcurrentRuns: z.number() }),
});

const get = createRoute({
  method: 'get', path: '/v1/policy', tags, security, 'x-trawl-permission': 'policy:read', summary: 'The organization\'s domain policy and politeness limits (with the effective values)',
  responses: { 200: { description: 'The policy', content: { 'application/json': { schema: Policy } } }, ...errorResponses('FORBIDDEN') },
});
const put = createRoute({
  method: 'put', path: '/v1/policy', tags, security, 'x-trawl-permission': 'policy:write', summary: 'Replace the domain policy',
  description: 'Wildcards: `*.example.com` matches subdomains. Deny wins; an empty allow-list allows any public host. Private networks are never reachable whatever the lists say. `limits` (null: the deployment default): per target site (registrable domain) this organization\'s share of pages at once and the minimum delay between its starts, for every job and run of the organization; a site\'s own limits are shared by every organization, and a policy can only be more polite than the deployment (at most SITE_MAX_CONCURRENT, at least SITE_MIN_DELAY_MS: see `effective`); per organization the pages at once and the runs queued or running.',
  request: { body: { content: { 'application/json': { schema: PolicyInput } }, required: true } },
  responses: { 200: { description: 'The new policy', content: { 'application/json': { schema: Policy } } }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN') },
});

export function registerPolicyRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(get, async (c) => c.json(await getPolicy(c.get('actor')), 200));
  app.openapi(put, async (c) => c.json(await putPolicy(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 200));
}
