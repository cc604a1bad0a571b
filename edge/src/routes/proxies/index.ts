import { createRoute, z } from '@hono/zod-openapi';
import { ProxyInput, UpstreamProxy } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { createProxy, deleteProxy, listProxies } from '../../services/proxies/proxies.ts';
import { IdParam, errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['Proxies'];
const create = createRoute({
  method: 'post', path: '/v1/proxies', tags, security, 'x-trawl-permission': 'policy:write', summary: 'Add an upstream proxy (HTTP or SOCKS5)',
  description: 'An upstream proxy a job can send its pages through (`spec.proxy.pool`). Credentials are encrypted at rest and never returned. Trawl still checks every target itself and hands the upstream only the checked address; a proxy on a private address is refused (400 PRIVATE_PROXY).',
  request: { body: { content: { 'application/json': { schema: ProxyInput } }, required: true } },
  responses: { 201: { description: 'The proxy, without its credentials', content: { 'application/json': { schema: UpstreamProxy } } }, ...errorResponses('INVALID_SPEC', 'INVALID_REQUEST', 'PRIVATE_PROXY', 'CONFLICT', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: '/v1/proxies', tags, security, 'x-trawl-permission': 'policy:read', summary: 'List upstream proxies (no credentials)',
  responses: { 200: { description: 'Proxies', content: { 'application/json': { schema: z.object({ data: z.array(UpstreamProxy) }) } } } },
});
const remove = createRoute({
  method: 'delete', path: '/v1/proxies/{id}', tags, security, 'x-trawl-permission': 'policy:write', summary: 'Delete an upstream proxy',
  request: { params: IdParam('prx') },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});

export function registerProxyRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(create, async (c) => c.json(await createProxy(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 201));
  app.openapi(list, async (c) => c.json(await listProxies(c.get('actor')), 200));
  app.openapi(remove, async (c) => {
    await deleteProxy(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
