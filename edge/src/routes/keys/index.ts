import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { createKey, listKeys, revokeKey, rotateKey, KeyInput } from '../../services/keys/manage.ts';
import { PageQuery } from '../../services/pagination.ts';
import { IdParam, errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['API keys'];
const KeyView = z.object({
  id: z.string(), name: z.string(), prefix: z.string(), kind: z.enum(['secret', 'publishable']), role: z.string(), scopes: z.array(z.string()),
  jobIds: z.array(z.string()).nullable(), createdAt: z.number(), lastUsedAt: z.number().nullable(), expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(), rateLimitPerMinute: z.number().nullable(),
});
const KeyWithSecret = KeyView.extend({ key: z.string().openapi({ description: 'The secret: shown once, never again' }) });

const create = createRoute({
  method: 'post', path: '/v1/keys', tags, security, 'x-trawl-permission': 'keys:write', summary: 'Create an API key (the secret is shown once)',
  description: 'Secret keys call the API with a role and scopes no wider than the creating key\'s. Publishable keys (`kind: "publishable"`) only read the status of the jobs they name, for the embeddable widget.',
  request: { body: { content: { 'application/json': { schema: KeyInput } }, required: true } },
  responses: { 201: { description: 'The key, with its secret', content: { 'application/json': { schema: KeyWithSecret } } }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: '/v1/keys', tags, security, 'x-trawl-permission': 'keys:read', summary: 'List keys: prefix, name, scopes, created, last used, expiry',
  request: { query: PageQuery },
  responses: { 200: { description: 'A page of keys', content: { 'application/json': { schema: z.object({ data: z.array(KeyView), nextCursor: z.string().nullable() }) } } }, ...errorResponses('FORBIDDEN') },
});
const revoke = createRoute({
  method: 'delete', path: '/v1/keys/{id}', tags, security, 'x-trawl-permission': 'keys:write', summary: 'Revoke a key (it stops working at once)',
  request: { params: IdParam('key') },
  responses: { 200: { description: 'The revoked key', content: { 'application/json': { schema: KeyView } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});
const rotate = createRoute({
  method: 'post', path: '/v1/keys/{id}/rotate', tags, security, 'x-trawl-permission': 'keys:write', summary: 'Rotate a key: a new secret with the same settings; the old one is revoked',
  request: { params: IdParam('key') },
  responses: { 201: { description: 'The new key, with its secret', content: { 'application/json': { schema: KeyWithSecret.extend({ replaces: z.string() }) } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN', 'CONFLICT') },
});

export function registerKeyRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(create, async (c) => c.json(await createKey(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 201));
  app.openapi(list, async (c) => c.json(await listKeys(c.get('actor'), c.req.valid('query')), 200));
  app.openapi(revoke, async (c) => c.json(await revokeKey(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(rotate, async (c) => c.json(await rotateKey(c.get('actor'), c.req.valid('param').id), 201));
}
