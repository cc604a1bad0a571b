import { createRoute, z } from '@hono/zod-openapi';
import { JobSubscriptions, NotificationDelivery } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { listDeliveries, redeliver } from '../../services/notifications/deliveries.ts';
import { getJobSubscriptions, putJobSubscriptions } from '../../services/notifications/subscriptions.ts';
import { IdParam, errorResponses, readJsonBody, requestHook, security } from '../openapi-common.ts';

const tags = ['Notifications'];
const subscriptions = { 200: { description: 'The job\'s subscriptions', content: { 'application/json': { schema: JobSubscriptions } } } };

const getSubs = createRoute({
  method: 'get', path: '/v1/jobs/{id}/notifications', tags, security, 'x-trawl-permission': 'jobs:read', summary: 'Which of a job\'s events go to which endpoints',
  request: { params: IdParam('job') }, responses: { ...subscriptions, ...errorResponses('NOT_FOUND') },
});
const putSubs = createRoute({
  method: 'put', path: '/v1/jobs/{id}/notifications', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Set which of a job\'s events go to which endpoints',
  description: 'Events: run.finished, run.failed, run.warnings (besides run.finished when a run ended with warnings), changes.found, drift.detected, freshness.missed, login.stale.',
  request: { params: IdParam('job'), body: { content: { 'application/json': { schema: JobSubscriptions } }, required: true } },
  responses: { ...subscriptions, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: '/v1/notifications/endpoints/{id}/deliveries', tags, security, 'x-trawl-permission': 'notifications:read', summary: 'An endpoint\'s delivery log',
  description: 'Newest first; each delivery with its attempts: ok, response code, latency, error, and whether it was a manual redelivery.',
  request: { params: IdParam('nep'), query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), before: z.string().max(64).optional() }) },
  responses: { 200: { description: 'Deliveries', content: { 'application/json': { schema: z.object({ data: z.array(NotificationDelivery), nextBefore: z.string().nullable() }) } } }, ...errorResponses('NOT_FOUND') },
});
const redo = createRoute({
  method: 'post', path: '/v1/notifications/deliveries/{id}/redeliver', tags, security, 'x-trawl-permission': 'notifications:write', summary: 'Send a delivery again',
  description: 'One more attempt with the same `webhook-id` (receivers dedupe by it) and a fresh timestamp and signature. 409 while the delivery is still being tried or the endpoint is disabled.',
  request: { params: IdParam('msg') },
  responses: { 202: { description: 'Queued', content: { 'application/json': { schema: NotificationDelivery } } }, ...errorResponses('NOT_FOUND', 'CONFLICT', 'FORBIDDEN') },
});

export function registerDeliveryRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(getSubs, async (c) => c.json(await getJobSubscriptions(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(putSubs, async (c) => c.json(await putJobSubscriptions(c.get('actor'), c.req.valid('param').id, await readJsonBody(c, 'INVALID_REQUEST')), 200), requestHook);
  app.openapi(list, async (c) => c.json(await listDeliveries(c.get('actor'), c.req.valid('param').id, c.req.valid('query')), 200));
  app.openapi(redo, async (c) => c.json(await redeliver(c.get('actor'), c.req.valid('param').id), 202));
}
