import { createRoute, z } from '@hono/zod-openapi';
import { EndpointInput, EndpointWithSecret, NotificationEndpoint } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { createEndpoint, deleteEndpoint, enableEndpoint, listEndpoints, rotateEndpointSecret } from '../../services/notifications/endpoints.ts';
import { IdParam, errorResponses, readJsonBody, requestHook, security } from '../openapi-common.ts';

const tags = ['Notifications'];
const base = '/v1/notifications/endpoints';
const withSecret = { content: { 'application/json': { schema: EndpointWithSecret } } };

const create = createRoute({
  method: 'post', path: base, tags, security, 'x-trawl-permission': 'notifications:write', summary: 'Add a notification endpoint (webhook or e-mail)',
  description: 'A webhook is POSTed JSON `{type, timestamp, data}` signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`); verify it with the returned `whsec_` secret, shown only here and on rotation. Its URL obeys the same egress rules as pages: a private, loopback or metadata address is refused (400 UNREACHABLE_TARGET), as is a host outside the domain policy (403 BLOCKED_BY_POLICY); the host is resolved and checked again before every attempt.',
  request: { body: { content: { 'application/json': { schema: EndpointInput } }, required: true } },
  responses: { 201: { description: 'The endpoint and, for a webhook, its signing secret', ...withSecret }, ...errorResponses('INVALID_REQUEST', 'UNREACHABLE_TARGET', 'BLOCKED_BY_POLICY', 'CONFLICT', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: base, tags, security, 'x-trawl-permission': 'notifications:read', summary: 'List notification endpoints (no secrets)',
  responses: { 200: { description: 'Endpoints', content: { 'application/json': { schema: z.object({ data: z.array(NotificationEndpoint) }) } } } },
});
const remove = createRoute({
  method: 'delete', path: `${base}/{id}`, tags, security, 'x-trawl-permission': 'notifications:write', summary: 'Delete a notification endpoint (its subscriptions and delivery log go with it)',
  request: { params: IdParam('nep') }, responses: { 204: { description: 'Deleted' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});
const rotate = createRoute({
  method: 'post', path: `${base}/{id}/rotate-secret`, tags, security, 'x-trawl-permission': 'notifications:write', summary: 'Rotate a webhook\'s signing secret',
  description: 'The new secret signs from now on; the previous one keeps signing beside it (two `v1,` signatures) until `previousSecretUntil`, so receivers can switch without losing a delivery.',
  request: { params: IdParam('nep') }, responses: { 201: { description: 'The endpoint and its new secret', ...withSecret }, ...errorResponses('NOT_FOUND', 'CONFLICT', 'FORBIDDEN') },
});
const enable = createRoute({
  method: 'post', path: `${base}/{id}/enable`, tags, security, 'x-trawl-permission': 'notifications:write', summary: 'Enable an endpoint disabled after repeated failure',
  request: { params: IdParam('nep') }, responses: { 200: { description: 'The endpoint', content: { 'application/json': { schema: NotificationEndpoint } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});

export function registerEndpointRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(create, async (c) => c.json(await createEndpoint(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 201), requestHook);
  app.openapi(list, async (c) => c.json(await listEndpoints(c.get('actor')), 200));
  app.openapi(remove, async (c) => {
    await deleteEndpoint(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(rotate, async (c) => c.json(await rotateEndpointSecret(c.get('actor'), c.req.valid('param').id), 201));
  app.openapi(enable, async (c) => c.json(await enableEndpoint(c.get('actor'), c.req.valid('param').id), 200));
}
