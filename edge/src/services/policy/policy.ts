import { eq } from 'drizzle-orm';
import { orgPolicies } from '@trawl/db';
import { EgressPolicy, issuesOf } from '@trawl/schemas';
import { z } from 'zod';
import { invalid } from '../../lib/errors.ts';
import { configOf } from '../../env.ts';
import type { Politeness } from '../../coordinator/politeness.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';

export const Limits = z.object({
  siteMaxConcurrent: z.number().int().min(1).max(1000).nullable().default(null),
  siteMinDelayMs: z.number().int().min(0).max(600_000).nullable().default(null),
  maxTasksInFlight: z.number().int().min(1).max(100_000).nullable().default(null),
  maxConcurrentRuns: z.number().int().min(1).max(10_000).nullable().default(null),
}).strict();

/** The body of PUT /v1/policy: domains (the shared schema, so edge and fleet read patterns alike) and politeness limits. */
export const PolicyInput = EgressPolicy.extend({ limits: Limits.default({ siteMaxConcurrent: null, siteMinDelayMs: null, maxTasksInFlight: null, maxConcurrentRuns: null }) });
type PolicyDoc = z.infer<typeof PolicyInput>;

async function policyRow(ctx: ServiceContext, orgId: string) {
  const [row] = await ctx.db.select().from(orgPolicies).where(eq(orgPolicies.orgId, orgId)).limit(1);
  return row;
}

export async function policyOf(ctx: ServiceContext, orgId: string): Promise<EgressPolicy> {
  const row = await policyRow(ctx, orgId);
  return row ? { allowDomains: row.allowDomains, denyDomains: row.denyDomains } : { allowDomains: [], denyDomains: [] };
}

/**
 * The limits a run of this organization dispatches under: its overrides, else the deployment's defaults. A site's
 * limits are shared by every organization (ADR 0025): a policy can lower its own share of a site or space its own
 * pages further, never go beyond the operator's SITE_MAX_CONCURRENT or below SITE_MIN_DELAY_MS.
 */
export async function politenessOf(ctx: ServiceContext, orgId: string): Promise<Politeness & { maxConcurrentRuns: number }> {
  const row = await policyRow(ctx, orgId);
  const c = configOf(ctx.env);
  return {
    siteMaxConcurrent: Math.min(row?.siteMaxConcurrent ?? c.siteMaxConcurrent, c.siteMaxConcurrent),
    siteMinDelayMs: Math.max(row?.siteMinDelayMs ?? c.siteMinDelayMs, c.siteMinDelayMs),
    orgMaxTasksInFlight: row?.maxTasksInFlight ?? c.orgMaxTasksInFlight,
    maxConcurrentRuns: row?.maxConcurrentRuns ?? c.orgMaxConcurrentRuns,
  };
}

export async function getPolicy(ctx: ActorContext) {
  authorize(ctx, 'policy:read');
  const row = await policyRow(ctx, ctx.actor.orgId);
  const effective = await politenessOf(ctx, ctx.actor.orgId);
  return {
    allowDomains: row?.allowDomains ?? [], denyDomains: row?.denyDomains ?? [],
    limits: { siteMaxConcurrent: row?.siteMaxConcurrent ?? null, siteMinDelayMs: row?.siteMinDelayMs ?? null, maxTasksInFlight: row?.maxTasksInFlight ?? null, maxConcurrentRuns: row?.maxConcurrentRuns ?? null },
    effective,
  };
}

export async function putPolicy(ctx: ActorContext, body: unknown) {
  authorize(ctx, 'policy:write');
  const parsed = PolicyInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The policy is not valid', issuesOf(parsed.error));
  const policy: PolicyDoc = parsed.data;
  const before = await policyRow(ctx, ctx.actor.orgId);
  const row = { orgId: ctx.actor.orgId, allowDomains: policy.allowDomains, denyDomains: policy.denyDomains, ...policy.limits, updatedAt: Date.now() };
  await ctx.db.batch([
    ctx.db.insert(orgPolicies).values(row).onConflictDoUpdate({ target: orgPolicies.orgId, set: row }),
    auditStatement(ctx, 'policy.update', ctx.actor.orgId, { before: before ?? null, after: policy }),
  ]);
  return getPolicy(ctx);
}

/** PUT /v1/policy/limits: only the politeness limits (null: the deployment default); the domain lists stay as they are. */
export async function putLimits(ctx: ActorContext, body: unknown) {
  authorize(ctx, 'policy:write');
  const parsed = Limits.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The limits are not valid', issuesOf(parsed.error));
  const before = await policyRow(ctx, ctx.actor.orgId);
  const limits = parsed.data;
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.insert(orgPolicies).values({ orgId: ctx.actor.orgId, allowDomains: [], denyDomains: [], ...limits, updatedAt: now })
      .onConflictDoUpdate({ target: orgPolicies.orgId, set: { ...limits, updatedAt: now } }),
    auditStatement(ctx, 'policy.limits.update', ctx.actor.orgId, {
      before: { siteMaxConcurrent: before?.siteMaxConcurrent ?? null, siteMinDelayMs: before?.siteMinDelayMs ?? null, maxTasksInFlight: before?.maxTasksInFlight ?? null, maxConcurrentRuns: before?.maxConcurrentRuns ?? null },
      after: limits,
    }),
  ]);
  return getPolicy(ctx);
}
