import { and, eq, inArray } from 'drizzle-orm';
import { proxies } from '@trawl/db';
import type { ErrorIssue, JobSpec } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';

/**
 * A spec may name only upstream proxies of the caller's own organization; another tenant's id is refused exactly like
 * one that does not exist. With a `country`, at least one of the pool's proxies must be in it. Checked on save.
 */
export async function checkProxyRef(ctx: ActorContext, spec: Pick<JobSpec, 'proxy'>): Promise<void> {
  const pool = spec.proxy?.pool;
  if (!pool) return;
  const rows = await ctx.db.select({ id: proxies.id, country: proxies.country }).from(proxies)
    .where(and(eq(proxies.orgId, ctx.actor.orgId), inArray(proxies.id, pool)));
  const found = new Set(rows.map((r) => r.id));
  const issues: ErrorIssue[] = pool.flatMap((id, i) => (found.has(id) ? []
    : [{ path: `spec.proxy.pool.${i}`, message: `No upstream proxy ${id} in this organization (see GET /v1/proxies)` }]));
  const country = spec.proxy?.country;
  if (!issues.length && country && !rows.some((r) => r.country === country)) {
    issues.push({ path: 'spec.proxy.country', message: `None of the pool's proxies is in ${country}` });
  }
  if (issues.length) throw invalid('INVALID_SPEC', 'The job names upstream proxies it cannot use', issues);
}
