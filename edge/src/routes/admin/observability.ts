import type { Hono } from 'hono';
import { z } from 'zod';
import { issuesOf } from '@trawl/schemas';
import type { AppEnv } from '../../app.ts';
import { ApiError } from '../../lib/errors.ts';
import { artifactMaintenance } from '../../services/artifacts/cleanup.ts';
import { setOrgRetention } from '../../services/retention/settings.ts';
import { storageReport } from '../../services/artifacts/read.ts';

const Settings = z.object({ artifactTtlDays: z.number().int().min(1).max(3650).optional(), retentionDays: z.number().int().min(1).max(3650).optional() })
  .strict().refine((s) => s.artifactTtlDays !== undefined || s.retentionDays !== undefined, 'Name artifactTtlDays, retentionDays or both');
const Maintenance = z.object({ now: z.number().int().min(0).optional() }).strict();

async function body<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await req.json().catch(() => ({})));
  if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid request body', { issues: issuesOf(parsed.error) });
  return parsed.data;
}

/** Operator routes (behind the admin token): an organization's artifact TTL and data retention, the cleanup on demand, the bytes report. */
export function registerAdminObservability(routes: Hono<AppEnv>): void {
  routes.put('/orgs/:orgId/settings', async (c) => c.json(await setOrgRetention(c.get('services'), c.req.param('orgId'), await body(c.req.raw, Settings))));
  // `now` lets a test or an operator run the cleanup as of a given time; the cron always uses the real clock.
  routes.post('/maintenance/artifacts', async (c) => c.json(await artifactMaintenance(c.get('services'), (await body(c.req.raw, Maintenance)).now)));
  routes.get('/storage', async (c) => c.json(await storageReport(c.get('services'), null)));
}
