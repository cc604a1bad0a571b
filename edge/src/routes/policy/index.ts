import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { getPolicy, putPolicy, PolicyInput } from '../../services/policy/policy.ts';
import { errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['Policy'];
const Policy = z.object({ allowDomains: z.array(z.string()), denyDomains: z.array(z.string()) });

const get = createRoute({
  method: 'get', path: '/v1/policy', tags, security, 'x-trawl-permission': 'policy:read', summary: 'The organization\'s domain policy',
  responses: { 200: { description: 'The policy', content: { 'application/json': { schema: Policy } } }, ...errorResponses('FORBIDDEN') },
});
const put = createRoute({
  method: 'put', path: '/v1/policy', tags, security, 'x-trawl-permission': 'policy:write', summary: 'Replace the domain policy',
  description: 'Wildcards: `*.example.com` matches subdomains. Deny wins; an empty allow-list allows any public host. Private networks are never reachable whatever the lists say.',
  request: { body: { content: { 'application/json': { schema: PolicyInput } }, required: true } },
  responses: { 200: { description: 'The new policy', content: { 'application/json': { schema: Policy } } }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN') },
});

export function registerPolicyRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(get, async (c) => c.json(await getPolicy(c.get('actor')), 200));
  app.openapi(put, async (c) => c.json(await putPolicy(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 200));
}
