import { createRoute, z } from '@hono/zod-openapi';
import { Login, LoginInput } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { createLogin, deleteLogin, getLogin, listLogins } from '../../services/logins/logins.ts';
import { HandoffQuery, openHandoff } from '../../services/logins/handoff.ts';
import { IdParam, errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['Logins'];
const create = createRoute({
  method: 'post', path: '/v1/logins', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Store a login (session and/or credential)',
  description: 'A Playwright `storageState`, and/or a credential with the `flow` that uses it. Secrets are encrypted at rest and never returned. A job references the login with `spec.login.id`; each task\'s browser starts with the session, and a node that logs in with the credential saves the new session for the next tasks.',
  request: { body: { content: { 'application/json': { schema: LoginInput } }, required: true } },
  responses: { 201: { description: 'The login, without its secrets', content: { 'application/json': { schema: Login } } }, ...errorResponses('INVALID_REQUEST', 'CONFLICT', 'FORBIDDEN', 'UNREACHABLE_TARGET', 'BLOCKED_BY_POLICY') },
});
const list = createRoute({
  method: 'get', path: '/v1/logins', tags, security, 'x-trawl-permission': 'jobs:read', summary: 'List stored logins (no secrets)',
  responses: { 200: { description: 'Logins', content: { 'application/json': { schema: z.object({ data: z.array(Login) }) } } } },
});
const get = createRoute({
  method: 'get', path: '/v1/logins/{id}', tags, security, 'x-trawl-permission': 'jobs:read', summary: 'A stored login (no secrets), and whether it went stale',
  description: '`stale` is set when a run\'s page failed for good with SESSION_EXPIRED or LOGIN_REQUIRED (when, the code, the run); the job\'s owners are e-mailed once. Saving the session again (the hand-off) clears it.',
  request: { params: IdParam('lgn') },
  responses: { 200: { description: 'The login, without its secrets', content: { 'application/json': { schema: Login } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});
const remove = createRoute({
  method: 'delete', path: '/v1/logins/{id}', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Delete a stored login',
  request: { params: IdParam('lgn') },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});

const handoff = createRoute({
  method: 'get', path: '/v1/logins/{id}/handoff', tags, security, 'x-trawl-permission': 'jobs:write',
  summary: 'Complete a sign-in that needs a person, in a live browser (WebSocket, login hand-off)',
  description: 'Connect with `Upgrade: websocket`. Opens an interactive view session (ADR 0043 view protocol: `frame`s out; `mouse`, `key`, `text` in) at `?url=` (default: the login\'s flow URL), under the organization\'s egress policy. When signed in, send `{"type":"save"}`: the browser\'s cookies and localStorage are sealed into this login (never sent to you), the answer is `{"type":"saved","loginId"}` and the session ends. A browser signed in with a cookie must connect from the app\'s own origin.',
  request: { params: IdParam('lgn'), query: HandoffQuery },
  responses: { 101: { description: 'The view WebSocket' }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST', 'FORBIDDEN', 'FLEET_UNAVAILABLE', 'BLOCKED_BY_POLICY') },
});

export function registerLoginRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(create, async (c) => c.json(await createLogin(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 201));
  app.openapi(list, async (c) => c.json(await listLogins(c.get('actor')), 200));
  app.openapi(get, async (c) => c.json(await getLogin(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(handoff, async (c) => openHandoff(c.get('actor'), c.req.valid('param').id, c.req.valid('query'), c.req.raw) as never);
  app.openapi(remove, async (c) => {
    await deleteLogin(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
