import { EgressPolicy, issuesOf } from '@trawl/schemas';
import { z } from 'zod';
import { configOf } from '../../env.ts';
import { invalid } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { policyOf } from './policy.ts';
import { targetRefusal } from './targets.ts';

/** POST /v1/policy/dry-run: URLs against a policy being edited (`policy`) or, without one, the saved policy. */
export const DryRunInput = z.object({
  policy: EgressPolicy.optional(),
  urls: z.array(z.string().max(2000)).min(1).max(100),
}).strict();

export interface DryRunVerdict {
  url: string; allowed: boolean;
  code: 'UNREACHABLE_TARGET' | 'BLOCKED_BY_POLICY' | null;
  rule: 'network' | 'deny' | 'allow' | 'host' | null;
  entry: string | null; reason: string | null;
}

/**
 * Each URL through the very check a job's save (and so its run) goes through: the network rule, then the domain
 * policy. Nothing is stored or fetched, so every role that may read the policy may ask.
 */
export async function dryRunPolicy(ctx: ActorContext, body: unknown): Promise<{ policy: 'request' | 'saved'; results: DryRunVerdict[] }> {
  authorize(ctx, 'policy:read');
  const parsed = DryRunInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The dry run request is not valid', issuesOf(parsed.error));
  const policy = parsed.data.policy ?? await policyOf(ctx, ctx.actor.orgId);
  const allowPrivate = configOf(ctx.env).allowPrivateTargets;
  const results = parsed.data.urls.map((url): DryRunVerdict => {
    const refusal = targetRefusal(url, policy, allowPrivate);
    return { url, allowed: refusal === null, code: refusal?.code ?? null, rule: refusal?.rule ?? null, entry: refusal?.entry ?? null, reason: refusal?.reason ?? null };
  });
  return { policy: parsed.data.policy ? 'request' : 'saved', results };
}
