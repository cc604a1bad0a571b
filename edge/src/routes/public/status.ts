import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { jobStatuses } from '../../services/status/job-status.ts';
import { badgeStatus } from '../../services/status/public-badge.ts';
import { renderBadge } from '../../services/status/badge.ts';
import { IdParam, errorResponses, security } from '../openapi-common.ts';
import { cachedAnswer } from './cache.ts';

const Freshness = z.object({
  maxAgeMinutes: z.number(), dataAt: z.number().nullable(), fresh: z.boolean(), dueAt: z.number(), missedAt: z.number().nullable(),
}).openapi('Freshness');
const Status = z.object({
  jobId: z.string(), name: z.string(),
  lastRun: z.object({ status: z.string(), createdAt: z.number(), finishedAt: z.number().nullable(), items: z.number() }).nullable(),
  successRate: z.number().nullable().openapi({ description: 'Percent of the last 20 ended runs (cancelled left out) that succeeded' }),
  freshness: Freshness.nullable(),
});

const status = createRoute({
  method: 'get', path: '/v1/status', tags: ['Status widget'], security, 'x-trawl-permission': 'status:read',
  summary: 'Latest run, success rate and freshness of each named job, for the embeddable status widget (publishable keys welcome)',
  description: 'Answers with `Cache-Control: private, max-age=30` and an ETag; a matching `If-None-Match` gets 304.',
  request: { query: z.object({ jobs: z.string().min(1).max(2000).openapi({ example: 'job_a,job_b' }) }) },
  responses: { 200: { description: 'One entry per job, in the order asked', content: { 'application/json': { schema: z.object({ data: z.array(Status) }) } } }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST') },
});

const badge = createRoute({
  method: 'get', path: '/v1/public/jobs/{id}/badge.svg', tags: ['Status widget'], security, 'x-trawl-permission': 'status:read',
  summary: 'An SVG status badge of one job, for READMEs and pages: `?key=` takes a publishable key only',
  description: 'A secret key is refused with 403 PUBLISHABLE_KEY_REQUIRED (it must never sit in a page). Cached `public, max-age=60` with an ETag; a matching `If-None-Match` gets 304.',
  request: { params: IdParam('job'), query: z.object({ key: z.string().max(200).optional() }) },
  responses: { 200: { description: 'The badge', content: { 'image/svg+xml': { schema: z.string() } } }, ...errorResponses('NOT_FOUND', 'PUBLISHABLE_KEY_REQUIRED') },
});

export function registerStatusRoute(app: ReturnType<typeof createApp>) {
  app.openapi(status, async (c) => {
    const ids = [...new Set(c.req.valid('query').jobs.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, 50);
    // The answer depends on the key sent: private caches only, and per Authorization.
    c.header('vary', 'Authorization');
    return cachedAnswer(c, JSON.stringify({ data: await jobStatuses(c.get('actor'), ids) }), 'application/json; charset=utf-8', 'private, max-age=30') as never;
  });
  app.openapi(badge, async (c) => {
    const body = renderBadge(await badgeStatus(c.get('actor'), c.req.valid('param').id));
    // The key is in the URL, so the URL alone decides the answer: shared caches may keep it for a minute.
    return cachedAnswer(c, body, 'image/svg+xml; charset=utf-8', 'public, max-age=60') as never;
  });
}
