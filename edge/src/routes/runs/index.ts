import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { cancelRun, createRun, getRun, listBlocked, listRuns, openRunEvents } from '../../services/runs/runs.ts';
import { readResults } from '../../services/runs/results.ts';
import { PageQuery } from '../../services/pagination.ts';
import { IdParam, errorResponses, security } from '../openapi-common.ts';
import { registerChangeRoutes } from './changes.ts';
import { RunView } from './run-view.ts';

import { registerLiveRoutes } from './live.ts';

const RunList = z.object({ data: z.array(RunView), nextCursor: z.string().nullable() });
const tags = ['Runs'];

const create = createRoute({
  method: 'post', path: '/v1/jobs/{id}/runs', tags, security, 'x-trawl-permission': 'runs:write', summary: 'Start a run of a job',
  request: { params: IdParam('job') },
  responses: { 201: { description: 'The queued run', content: { 'application/json': { schema: RunView } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: '/v1/runs', tags, security, 'x-trawl-permission': 'runs:read', summary: 'List runs (newest first), optionally of one job',
  request: { query: PageQuery.extend({ jobId: z.string().max(64).optional() }) },
  responses: { 200: { description: 'A page of runs', content: { 'application/json': { schema: RunList } } }, ...errorResponses('INVALID_REQUEST') },
});
const get = createRoute({
  method: 'get', path: '/v1/runs/{id}', tags, security, 'x-trawl-permission': 'runs:read', summary: 'Get a run: status, counts, timings, error and warnings',
  request: { params: IdParam('run') },
  responses: { 200: { description: 'The run', content: { 'application/json': { schema: RunView } } }, ...errorResponses('NOT_FOUND') },
});
const results = createRoute({
  method: 'get', path: '/v1/runs/{id}/results', tags, security, 'x-trawl-permission': 'results:read', summary: 'Download a finished run\'s results (streamed)',
  request: { params: IdParam('run'), query: z.object({ format: z.enum(['jsonl', 'json', 'csv']).default('jsonl') }) },
  responses: {
    200: { description: 'JSON lines, a JSON array, or CSV with a header row of the job\'s fields', content: { 'application/x-ndjson': { schema: z.string() }, 'application/json': { schema: z.array(z.record(z.string(), z.unknown())) }, 'text/csv': { schema: z.string() } } },
    ...errorResponses('NOT_FOUND', 'RUN_NOT_FINISHED', 'INVALID_REQUEST'),
  },
});
const events = createRoute({
  method: 'get', path: '/v1/runs/{id}/events', tags, security, 'x-trawl-permission': 'runs:read', summary: 'Live events over a WebSocket',
  description: 'Connect with `Upgrade: websocket`. Each message is a RunEvent `{seq, ts, type, level, message, taskId?, url?, data?}`. The history after `?after=<seq>` (default: from the start) is sent first, then live events; `{"type":"stream.end"}` follows the end of the run. Browsers, which cannot set headers on a WebSocket, offer the API key as the subprotocol `trawl.key.<key>` next to `trawl.v1` (the answer selects `trawl.v1`).',
  request: { params: IdParam('run'), query: z.object({ after: z.coerce.number().int().min(0).optional() }) },
  responses: { 101: { description: 'Switching protocols' }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST') },
});
const cancel = createRoute({
  method: 'post', path: '/v1/runs/{id}/cancel', tags, security, 'x-trawl-permission': 'runs:write', summary: 'Cancel a run (results so far are kept)',
  request: { params: IdParam('run') },
  responses: { 200: { description: 'The cancelled run', content: { 'application/json': { schema: RunView } } }, ...errorResponses('NOT_FOUND', 'CONFLICT', 'FORBIDDEN') },
});

const Blocked = z.object({
  url: z.string(), host: z.string(), address: z.string().optional(), reason: z.string(), resourceType: z.string().optional(),
  taskId: z.string(), attempt: z.number(), ts: z.number(),
});
const blocked = createRoute({
  method: 'get', path: '/v1/runs/{id}/blocked', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'Requests the egress policy refused during the run (host, resolved address, reason, resource type)',
  request: { params: IdParam('run') },
  responses: { 200: { description: 'Refused requests, oldest first (at most 1,000 per run)', content: { 'application/json': { schema: z.object({ data: z.array(Blocked) }) } } }, ...errorResponses('NOT_FOUND') },
});

export function registerRunRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(blocked, async (c) => c.json(await listBlocked(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(create, async (c) => c.json(await createRun(c.get('actor'), c.req.valid('param').id), 201));
  app.openapi(list, async (c) => c.json(await listRuns(c.get('actor'), c.req.valid('query')), 200));
  app.openapi(get, async (c) => c.json(await getRun(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(results, async (c) => readResults(c.get('actor'), c.req.valid('param').id, c.req.valid('query').format) as never);
  app.openapi(events, async (c) => openRunEvents(c.get('actor'), c.req.valid('param').id, c.req.raw) as never);
  app.openapi(cancel, async (c) => c.json(await cancelRun(c.get('actor'), c.req.valid('param').id), 200));
  registerChangeRoutes(app);
  registerLiveRoutes(app);
}
