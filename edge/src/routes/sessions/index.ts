import { createRoute, z } from '@hono/zod-openapi';
import { BrowserSession } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { BrowserQuery, endSession, listSessions, openBrowser } from '../../services/sessions/sessions.ts';
import { PageQuery } from '../../services/pagination.ts';
import { IdParam, errorResponses, security } from '../openapi-common.ts';

const tags = ['Browser sessions'];
const SessionList = z.object({ data: z.array(BrowserSession), nextCursor: z.string().nullable() });

const browser = createRoute({
  method: 'get', path: '/v1/browser', tags, security, 'x-trawl-permission': 'sessions:write',
  summary: 'A remote browser over CDP (Playwright connectOverCDP, Puppeteer connect)',
  description: 'Connect with `Upgrade: websocket` to `wss://<edge>/v1/browser` with the API key in `Authorization: Bearer <key>` or, for clients that cannot send headers, `?token=<key>`. Each connection is a new session: a browser of its own on a fleet node, every request under the organization\'s egress policy, ended at `budgetMs` (close code 4001) or after `idleMs` without a message from the program (4002). Calls that would reach the browser host (file inputs, downloads, file: and chrome: URLs, a context with its own proxy) answer a CDP error. Its browser time is listed by GET /v1/sessions.',
  request: { query: BrowserQuery },
  responses: { 101: { description: 'The CDP WebSocket' }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN', 'FLEET_UNAVAILABLE') },
});
const view = createRoute({
  method: 'get', path: '/v1/browser/view', tags, security, 'x-trawl-permission': 'sessions:write',
  summary: 'An interactive browser for people in the app: a JSON view protocol (screencast frames, input, picker), not CDP',
  description: 'The app\'s live browser and element picker (ADR 0043). Same session, limits and cost as /v1/browser, but the socket speaks JSON: the server sends `frame` (JPEG, base64), `navigated`, `highlight`, `picked`, `tested`; the client sends `mouse`, `wheel`, `key`, `text`, `navigate`, `back`, `hover`, `pick`, `test`. Signed-in browsers must open it from the app\'s own origin (the `Origin` header is checked: a WebSocket from another site is refused with 403).',
  request: { query: BrowserQuery },
  responses: { 101: { description: 'The view WebSocket' }, ...errorResponses('INVALID_REQUEST', 'FORBIDDEN', 'FLEET_UNAVAILABLE') },
});
const list = createRoute({
  method: 'get', path: '/v1/sessions', tags, security, 'x-trawl-permission': 'sessions:read',
  summary: 'List browser sessions with their browser time (newest first), paginated by cursor',
  request: { query: PageQuery },
  responses: { 200: { description: 'A page of sessions', content: { 'application/json': { schema: SessionList } } }, ...errorResponses('INVALID_REQUEST') },
});
const remove = createRoute({
  method: 'delete', path: '/v1/sessions/{id}', tags, security, 'x-trawl-permission': 'sessions:write',
  summary: 'End a browser session now (an ended one is answered as it is)',
  request: { params: IdParam('brs') },
  responses: { 200: { description: 'The ended session', content: { 'application/json': { schema: BrowserSession } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});

export function registerSessionRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(browser, async (c) => openBrowser(c.get('actor'), c.req.valid('query'), c.req.raw) as never);
  app.openapi(view, async (c) => openBrowser(c.get('actor'), c.req.valid('query'), c.req.raw, 'view') as never);
  app.openapi(list, async (c) => c.json(await listSessions(c.get('actor'), c.req.valid('query')), 200));
  app.openapi(remove, async (c) => c.json(await endSession(c.get('actor'), c.req.valid('param').id), 200));
}
