import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { createShare, listShares, revokeShare, ShareInput } from '../../services/shares/shares.ts';
import { openSharedEvents, readSharedResults, readSharedRun } from '../../services/shares/shared-run.ts';
import { IdParam, errorResponses, readJsonBody, requestHook, security } from '../openapi-common.ts';

const tags = ['Share links'];
const Share = z.object({
  id: z.string(), runId: z.string(), showResults: z.boolean(), createdBy: z.string(), createdAt: z.number(), expiresAt: z.number(),
  revokedAt: z.number().nullable(), active: z.boolean(),
});
const NewShare = Share.extend({ token: z.string(), url: z.string() });

const create = createRoute({
  method: 'post', path: '/v1/runs/{id}/shares', tags, security, 'x-trawl-permission': 'runs:write', summary: 'Make a read-only link to the run\'s live board for people outside the organization',
  description: '`expiresInHours` 1 to 720; `showResults` (default false) lets the link read the result items. The answer holds the token and the link once; only the token\'s hash is stored. The link shows status, counts, events and errors by code; never artifacts or member data.',
  request: { params: IdParam('run'), body: { content: { 'application/json': { schema: ShareInput } }, required: true } },
  responses: { 201: { description: 'The link (token shown once)', content: { 'application/json': { schema: NewShare } } }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: '/v1/runs/{id}/shares', tags, security, 'x-trawl-permission': 'runs:read', summary: 'The run\'s share links, newest first (no tokens)',
  request: { params: IdParam('run') },
  responses: { 200: { description: 'The links', content: { 'application/json': { schema: z.object({ data: z.array(Share) }) } } }, ...errorResponses('NOT_FOUND') },
});
const revoke = createRoute({
  method: 'delete', path: '/v1/shares/{id}', tags, security, 'x-trawl-permission': 'runs:write', summary: 'Revoke a share link (at once, for good)',
  request: { params: IdParam('shr') },
  responses: { 200: { description: 'The revoked link', content: { 'application/json': { schema: Share } } }, ...errorResponses('NOT_FOUND', 'CONFLICT', 'FORBIDDEN') },
});

// The outsider's side: no key, the share token in the query string (a browser's WebSocket cannot send headers).
const TokenQuery = z.object({ token: z.string().max(200).optional().openapi({ description: 'The share token from the link' }) });
const sharedRun = createRoute({
  method: 'get', path: '/v1/shared/run', tags, security: [], 'x-trawl-permission': 'share:token', summary: 'A shared run\'s board (status, counts, timings, failure), with a share token',
  request: { query: TokenQuery },
  responses: { 200: { description: 'The board', content: { 'application/json': { schema: z.object({ share: z.object({ expiresAt: z.number(), showResults: z.boolean() }), run: z.record(z.string(), z.unknown()) }) } } }, ...errorResponses('SHARE_LINK_INVALID') },
});
const sharedResults = createRoute({
  method: 'get', path: '/v1/shared/results', tags, security: [], 'x-trawl-permission': 'share:token', summary: 'A shared run\'s result items (JSON array), when the link includes them',
  request: { query: TokenQuery },
  responses: { 200: { description: 'The items', content: { 'application/json': { schema: z.array(z.record(z.string(), z.unknown())) } } }, ...errorResponses('SHARE_LINK_INVALID', 'FORBIDDEN', 'RUN_NOT_FINISHED') },
});
const sharedEvents = createRoute({
  method: 'get', path: '/v1/shared/events', tags, security: [], 'x-trawl-permission': 'share:token', summary: 'A shared run\'s live events over a read-only WebSocket',
  description: 'As `/v1/runs/{id}/events` (`?after=<seq>` resumes), with each event reduced to type, level, message, URL and a failure\'s code; messages sent by the client are ignored (a `ping` gets `pong`).',
  request: { query: TokenQuery.extend({ after: z.coerce.number().int().min(0).optional() }) },
  responses: { 101: { description: 'Switching protocols' }, ...errorResponses('SHARE_LINK_INVALID', 'INVALID_REQUEST') },
});

/** The paths an outsider reaches with a share token and no key (index.ts lets them past key authentication). */
export const SHARED_PATHS = ['/v1/shared/run', '/v1/shared/results', '/v1/shared/events'];

export function registerShareRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(create, async (c) => c.json(await createShare(c.get('actor'), c.req.valid('param').id, await readJsonBody(c, 'INVALID_REQUEST')), 201), requestHook);
  app.openapi(list, async (c) => c.json(await listShares(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(revoke, async (c) => c.json(await revokeShare(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(sharedRun, async (c) => c.json(await readSharedRun(c.get('services'), c.req.valid('query').token), 200));
  app.openapi(sharedResults, async (c) => readSharedResults(c.get('services'), c.req.valid('query').token) as never);
  app.openapi(sharedEvents, async (c) => openSharedEvents(c.get('services'), c.req.valid('query').token, c.req.raw) as never);
}
