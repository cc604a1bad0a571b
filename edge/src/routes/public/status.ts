import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { jobStatuses } from '../../services/status/job-status.ts';
import { errorResponses, security } from '../openapi-common.ts';

const Status = z.object({
  jobId: z.string(), name: z.string(),
  lastRun: z.object({ status: z.string(), createdAt: z.number(), finishedAt: z.number().nullable(), items: z.number() }).nullable(),
});

const status = createRoute({
  method: 'get', path: '/v1/status', tags: ['Status widget'], security, 'x-trawl-permission': 'status:read',
  summary: 'Latest run of each named job, for the embeddable status widget (publishable keys welcome)',
  request: { query: z.object({ jobs: z.string().min(1).max(2000).openapi({ example: 'job_a,job_b' }) }) },
  responses: { 200: { description: 'One entry per job', content: { 'application/json': { schema: z.object({ data: z.array(Status) }) } } }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST') },
});

export function registerStatusRoute(app: ReturnType<typeof createApp>) {
  app.openapi(status, async (c) => {
    const ids = [...new Set(c.req.valid('query').jobs.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, 50);
    c.header('Access-Control-Allow-Origin', '*');
    return c.json({ data: await jobStatuses(c.get('actor'), ids) }, 200);
  });
}
