import { z } from 'zod';
import { issuesOf } from '@trawl/schemas';
import { configOf } from '../../env.ts';
import { ApiError } from '../../lib/errors.ts';
import { siteLimiterName, siteOf, slotLimiter } from '../../coordinator/politeness.ts';
import type { ServiceContext } from '../context.ts';

/** PUT /internal/admin/sites/{host}: the operator's limits for one site, for every organization (null: the defaults). */
export const SiteLimitsInput = z.object({
  maxConcurrent: z.number().int().min(1).max(1000).nullable(),
  minDelayMs: z.number().int().min(0).max(600_000).nullable(),
}).strict();

/** The site a host belongs to (registrable domain, or the address itself), as the limiter is named. */
function siteOfHost(host: string): string {
  try {
    return siteOf(`http://${host}/`);
  } catch {
    throw new ApiError('INVALID_REQUEST', `${host} is not a host name or address`, { issues: [{ path: 'host', message: 'expected a host such as shop.example.com' }] });
  }
}

export async function describeSite(ctx: ServiceContext, host: string) {
  const site = siteOfHost(host);
  const c = configOf(ctx.env);
  return { site, ...(await slotLimiter(ctx.env, siteLimiterName(site)).describe({ maxConcurrent: c.siteMaxConcurrent, minDelayMs: c.siteMinDelayMs })) };
}

export async function setSiteLimits(ctx: ServiceContext, host: string, body: unknown) {
  const parsed = SiteLimitsInput.safeParse(body);
  if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'The site limits are not valid', { issues: issuesOf(parsed.error) });
  const site = siteOfHost(host);
  await slotLimiter(ctx.env, siteLimiterName(site)).configure(parsed.data);
  ctx.log.info('site limits set by the operator', { site, ...parsed.data });
  return describeSite(ctx, host);
}

/** Restarts the site's limiter object (its memory is dropped, as on an eviction); the limits hold across it. */
export async function restartSiteLimiter(ctx: ServiceContext, host: string) {
  const site = siteOfHost(host);
  // The aborted object fails the call that aborted it; the next call reaches a fresh instance.
  await slotLimiter(ctx.env, siteLimiterName(site)).restart().catch(() => undefined);
  return describeSite(ctx, host);
}
