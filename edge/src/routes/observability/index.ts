import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { Artifact, Insight, InsightQuery } from '@trawl/schemas';
import type { AppEnv, createApp } from '../../app.ts';
import { downloadArtifact, downloadSignedArtifact, listArtifacts, storageReport } from '../../services/artifacts/read.ts';
import { readRunLogs } from '../../services/runs/logs.ts';
import { computeStats } from '../../services/stats/stats.ts';
import { computeInsight } from '../../services/stats/insight.ts';
import { authorize } from '../../services/permissions.ts';
import { requireApiKey } from '../../middleware/auth.ts';
import { IdParam, errorResponses, security } from '../openapi-common.ts';

const tags = ['Observability'];
const DAY_MS = 86_400_000;

const list = createRoute({
  method: 'get', path: '/v1/runs/{id}/artifacts', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'List a run\'s artifacts: traces, HAR files and screenshots, with signed download links',
  description: 'Each trace has a `viewerUrl`: Trawl\'s built-in Playwright trace viewer opened on it (it selects the failing action). Links expire after an hour; list again for fresh ones.',
  request: { params: IdParam('run') },
  responses: { 200: { description: 'The artifacts', content: { 'application/json': { schema: z.object({ data: z.array(Artifact) }) } } }, ...errorResponses('NOT_FOUND') },
});
const download = createRoute({
  method: 'get', path: '/v1/artifacts/{id}', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'Download an artifact with an API key (HAR files are served decompressed)',
  request: { params: IdParam('art') },
  responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string() } } }, ...errorResponses('NOT_FOUND') },
});
const logs = createRoute({
  method: 'get', path: '/v1/runs/{id}/logs', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'A run\'s event log as JSON lines (kept after the run; live while it runs)',
  request: { params: IdParam('run'), query: z.object({ after: z.coerce.number().int().min(0).default(0) }) },
  responses: { 200: { description: 'One RunEvent per line', content: { 'application/x-ndjson': { schema: z.string() } } }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST') },
});
const stats = createRoute({
  method: 'get', path: '/v1/stats', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'Run success rate, run and task durations (mean, p50, p95), failure causes and items per run',
  description: 'Over `[from, to)` in epoch ms (default: the last 7 days), for the organization and per job. Percentiles are nearest-rank.',
  request: { query: z.object({ from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional(), jobId: z.string().max(64).optional() }) },
  responses: { 200: { description: 'The figures', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...errorResponses('INVALID_REQUEST') },
});
const insight = createRoute({
  method: 'get', path: '/v1/insight', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'Success rate, run duration (mean, p95), failure causes and items per run over time',
  description: 'Figures per bucket (`hour`, `day` or `week`, aligned to `from`) over `[from, to)` in epoch ms, for the organization or one job (`jobId`). Runs count in the bucket of their creation, failed page attempts in the bucket they finished in. At most 400 buckets. Percentiles are nearest-rank.',
  request: { query: InsightQuery },
  responses: { 200: { description: 'One point per bucket, oldest first', content: { 'application/json': { schema: Insight } } }, ...errorResponses('INVALID_REQUEST') },
});
const storage = createRoute({
  method: 'get', path: '/v1/storage', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'Bytes of artifacts stored by the organization, per kind',
  responses: { 200: { description: 'The report', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
});

type App = ReturnType<typeof createApp>;

/** Authenticates unless the app-wide /v1 middleware already did (these routes must never be open either way). */
const ensureApiKey: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('actor') ? next() : requireApiKey(c, next));

export function registerObservabilityRoutes(app: App) {
  for (const path of ['/v1/stats', '/v1/insight', '/v1/storage', '/v1/artifacts/*', '/v1/runs/*']) app.use(path, ensureApiKey);
  app.openapi(list, async (c) => c.json(await listArtifacts(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(download, async (c) => downloadArtifact(c.get('actor'), c.req.valid('param').id) as never);
  app.openapi(logs, async (c) => readRunLogs(c.get('actor'), c.req.valid('param').id, c.req.valid('query').after) as never);
  app.openapi(stats, async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? Date.now();
    return c.json(await computeStats(c.get('actor'), { from: q.from ?? to - 7 * DAY_MS, to, jobId: q.jobId }), 200);
  });
  app.openapi(insight, async (c) => c.json(await computeInsight(c.get('actor'), c.req.valid('query')), 200));
  app.openapi(storage, async (c) => {
    const ctx = c.get('actor');
    authorize(ctx, 'runs:read');
    return c.json(await storageReport(ctx, ctx.actor.orgId), 200);
  });
  // Signed links live outside /v1 (no API key there): the trace viewer's service worker fetches them as they are.
  app.get('/artifacts/:id/:name', async (c) => downloadSignedArtifact(c.get('services'), c.req.param('id'), c.req.query('exp'), c.req.query('sig')));
}
