import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { getPolicy, putLimits, putPolicy, PolicyInput, Limits as LimitsInput } from '../../services/policy/policy.ts';
import { dryRunPolicy } from '../../services/policy/dry-run.ts';
import { requestHook, errorResponses, readJsonBody, security } from '../openapi-common.ts';

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

const putLimitsRoute = createRoute({
  method: 'put', path: '/v1/policy/limits', tags, security, 'x-trawl-permission': 'policy:write', summary: 'Replace only the politeness limits (the domain lists stay)',
  description: 'Every key is required; null means the deployment default. Out-of-range values answer 400 INVALID_REQUEST naming the key. See `effective` in the answer for what runs dispatch under.',
  request: { body: { content: { 'application/json': { schema: LimitsInput } }, required: true } },
  responses: { 200: { description: 'The policy with the new limits', content: { 'application/json': { schema: Policy } } }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN') },
});
const Verdict = z.object({
  url: z.string(), allowed: z.boolean(), code: z.enum(['UNREACHABLE_TARGET', 'BLOCKED_BY_POLICY']).nullable(),
  rule: z.enum(['network', 'deny', 'allow', 'host']).nullable(), entry: z.string().nullable(), reason: z.string().nullable(),
});
const DryRunBody = z.object({
  policy: z.object({ allowDomains: z.array(z.string()).optional(), denyDomains: z.array(z.string()).optional() }).optional(),
  urls: z.array(z.string()).min(1).max(100),
});
const dryRun = createRoute({
  method: 'post', path: '/v1/policy/dry-run', tags, security, 'x-trawl-permission': 'policy:read', summary: 'Check URLs against a domain policy without saving anything',
  description: 'Each URL goes through the check a job\'s save does: the private-network rule (code `UNREACHABLE_TARGET`, rule `network`), then the domain policy (`BLOCKED_BY_POLICY`, rule `deny` with the matching `entry`, or `allow` when the allow-list misses it). `policy` is the one being edited; without it, the saved policy.',
  request: { body: { content: { 'application/json': { schema: DryRunBody } }, required: true } },
  responses: { 200: { description: 'One verdict per URL, in order', content: { 'application/json': { schema: z.object({ policy: z.enum(['request', 'saved']), results: z.array(Verdict) }) } } }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN') },
});

export function registerPolicyRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(get, async (c) => c.json(await getPolicy(c.get('actor')), 200));
  app.openapi(dryRun, async (c) => c.json(await dryRunPolicy(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 200), requestHook);
  app.openapi(putLimitsRoute, async (c) => c.json(await putLimits(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 200), requestHook);
  app.openapi(put, async (c) => c.json(await putPolicy(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 200));
}
