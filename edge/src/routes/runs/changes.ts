/** The change feed (ADR 0045): a run's changes, one item's history across runs, and accepting a suspect run. */
import { createRoute, z } from '@hono/zod-openapi';
import { ChangeLine, ItemHistoryEntry } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { acceptRun, readChanges, readItemHistory } from '../../services/runs/changes.ts';
import { IdParam, errorResponses, security } from '../openapi-common.ts';
import { RunView } from './run-view.ts';

const tags = ['Runs'];

const changes = createRoute({
  method: 'get', path: '/v1/runs/{id}/changes', tags, security, 'x-trawl-permission': 'results:read',
  summary: 'A finished run\'s changes against the job\'s previous complete, successful run (streamed)',
  description: 'One line per item `{change: added|removed|changed, key, before, after, fields}`, compared by dedupe key. Context fields and fields with `ignoreForChanges` are left out; whitespace-only differences are no change; an item of a page that failed this run is not reported removed.',
  request: { params: IdParam('run'), query: z.object({ format: z.enum(['jsonl', 'json', 'csv']).default('jsonl') }) },
  responses: {
    200: { description: 'JSON lines, a JSON array, or CSV with the columns change,key,before,after,fields', content: { 'application/x-ndjson': { schema: z.string() }, 'application/json': { schema: z.array(ChangeLine) }, 'text/csv': { schema: z.string() } } },
    ...errorResponses('NOT_FOUND', 'RUN_NOT_FINISHED', 'CHANGES_UNAVAILABLE', 'INVALID_REQUEST'),
  },
});

const KeyParam = IdParam('job').extend({
  key: z.string().min(1).max(2000).openapi({ param: { name: 'key', in: 'path' }, example: '"SKU-1"' }),
});
const history = createRoute({
  method: 'get', path: '/v1/jobs/{id}/items/{key}/history', tags, security, 'x-trawl-permission': 'results:read',
  summary: 'One item\'s changes across the job\'s runs, oldest first',
  description: 'The key is the dedupe key as the change feed writes it (URL-encoded), e.g. `%22SKU-1%22` for `"SKU-1"`. An item never seen has an empty history.',
  request: { params: KeyParam },
  responses: { 200: { description: 'The item\'s changes, at most 1,000', content: { 'application/json': { schema: z.object({ data: z.array(ItemHistoryEntry) }) } } }, ...errorResponses('NOT_FOUND') },
});

const accept = createRoute({
  method: 'post', path: '/v1/runs/{id}/accept', tags, security, 'x-trawl-permission': 'runs:write',
  summary: 'Accept a run the drift guard marked suspect: its held change notification goes out (audited)',
  request: { params: IdParam('run') },
  responses: { 200: { description: 'The run, accepted', content: { 'application/json': { schema: RunView } } }, ...errorResponses('NOT_FOUND', 'RUN_NOT_SUSPECT', 'FORBIDDEN') },
});

export function registerChangeRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(changes, async (c) => readChanges(c.get('actor'), c.req.valid('param').id, c.req.valid('query').format) as never);
  app.openapi(history, async (c) => c.json(await readItemHistory(c.get('actor'), c.req.valid('param').id, c.req.valid('param').key), 200));
  app.openapi(accept, async (c) => c.json(await acceptRun(c.get('actor'), c.req.valid('param').id), 200));
}
