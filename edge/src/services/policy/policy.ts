import { eq } from 'drizzle-orm';
import { orgPolicies } from '@trawl/db';
import { EgressPolicy, domainAllowed, issuesOf, type ErrorIssue } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import { privateAddressReason } from './private-address.ts';

/** The body of PUT /v1/policy: the shared schema, so the edge and the fleet read patterns alike. */
export const PolicyInput = EgressPolicy;

const EMPTY: EgressPolicy = { allowDomains: [], denyDomains: [] };

export async function policyOf(ctx: ServiceContext, orgId: string): Promise<EgressPolicy> {
  const [row] = await ctx.db.select().from(orgPolicies).where(eq(orgPolicies.orgId, orgId)).limit(1);
  return row ? { allowDomains: row.allowDomains, denyDomains: row.denyDomains } : EMPTY;
}

export async function getPolicy(ctx: ActorContext) {
  authorize(ctx, 'policy:read');
  return policyOf(ctx, ctx.actor.orgId);
}

export async function putPolicy(ctx: ActorContext, body: unknown) {
  authorize(ctx, 'policy:write');
  const parsed = PolicyInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The policy is not valid', issuesOf(parsed.error));
  const policy = parsed.data;
  const before = await policyOf(ctx, ctx.actor.orgId);
  const row = { orgId: ctx.actor.orgId, ...policy, updatedAt: Date.now() };
  await ctx.db.batch([
    ctx.db.insert(orgPolicies).values(row).onConflictDoUpdate({ target: orgPolicies.orgId, set: row }),
    auditStatement(ctx, 'policy.update', ctx.actor.orgId, { before, after: policy }),
  ]);
  return policy;
}

/**
 * The save-time dry run of a job's start URLs against the organization's policy and the private-network rule.
 * The fleet checks every request again after DNS resolution; this gives the user the error while they edit.
 */
export function policyIssues(urls: readonly string[], policy: EgressPolicy, allowPrivate: boolean): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  urls.forEach((raw, i) => {
    const url = new URL(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (!domainAllowed(host, policy)) {
      issues.push({ path: `spec.startUrls.${i}`, message: `${host} is not allowed by the organization's domain policy` });
      return;
    }
    const reason = allowPrivate ? null : privateAddressReason(host);
    if (reason) issues.push({ path: `spec.startUrls.${i}`, message: `${host} is a ${reason} address; private networks are not reachable` });
  });
  return issues;
}
