import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { FreshnessInput, putFreshness } from '../../services/freshness/freshness.ts';
import { IdParam, errorResponses, requestHook, security } from '../openapi-common.ts';

const Freshness = z.object({
  maxAgeMinutes: z.number(), dataAt: z.number().nullable(), fresh: z.boolean(), dueAt: z.number(), missedAt: z.number().nullable(),
});

const put = createRoute({
  method: 'put', path: '/v1/jobs/{id}/freshness', tags: ['Jobs'], security, 'x-trawl-permission': 'jobs:write',
  summary: 'Set a job\'s freshness target ("data no older than N minutes"); null removes it',
  description: 'The data\'s age is the time since the job\'s last succeeded or partial run ended. The status widget and badge show it; the Cron Trigger notifies `freshness.missed` once per miss (ADR 0047).',
  request: { params: IdParam('job'), body: { content: { 'application/json': { schema: FreshnessInput.openapi({ example: { maxAgeMinutes: 360 } }) } }, required: true } },
  responses: {
    200: { description: 'The target and the job\'s freshness now', content: { 'application/json': { schema: z.object({ jobId: z.string(), freshness: Freshness.nullable() }) } } },
    ...errorResponses('NOT_FOUND', 'INVALID_REQUEST', 'FORBIDDEN'),
  },
});

export function registerFreshnessRoute(app: ReturnType<typeof createApp>) {
  app.openapi(put, async (c) => c.json(await putFreshness(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200), requestHook);
}
