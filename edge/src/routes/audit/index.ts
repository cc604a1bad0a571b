import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { listAudit } from '../../services/audit/audit.ts';
import { PageQuery } from '../../services/pagination.ts';
import { errorResponses, security } from '../openapi-common.ts';

const Entry = z.object({
  id: z.string(), actor: z.string(), action: z.string(), target: z.string(), details: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(), userAgent: z.string().nullable(), createdAt: z.number(),
});

const list = createRoute({
  method: 'get', path: '/v1/audit', tags: ['Audit'], security, 'x-trawl-permission': 'audit:read',
  summary: 'The audit log: every change to jobs, policy and keys, newest first', request: { query: PageQuery },
  responses: { 200: { description: 'A page of entries', content: { 'application/json': { schema: z.object({ data: z.array(Entry), nextCursor: z.string().nullable() }) } } }, ...errorResponses('FORBIDDEN') },
});

export function registerAuditRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(list, async (c) => c.json(await listAudit(c.get('actor'), c.req.valid('query')), 200));
}
