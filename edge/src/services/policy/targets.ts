import { domainBlock, urlRefusal, type EgressPolicy, type ErrorIssue } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';

/** Why one URL may not be a target: the network rule (the shared private-address classifier) or a domain rule. */
export interface TargetRefusal {
  code: 'UNREACHABLE_TARGET' | 'BLOCKED_BY_POLICY';
  rule: 'network' | 'deny' | 'allow' | 'host';
  /** The deny-list entry that matched, when one did. */
  entry: string | null;
  reason: string;
}

/**
 * One URL against the private-network rule, then the organization's domain policy. The private-network rule is the
 * shared classifier the fleet applies after DNS, so the edge refuses everything the fleet would refuse without DNS.
 * ALLOW_PRIVATE_TARGETS (local stack only) turns the first check off, except for text that is not a URL.
 */
export function targetRefusal(url: string, policy: EgressPolicy, allowPrivate: boolean): TargetRefusal | null {
  const why = allowPrivate ? (URL.canParse(url) ? null : 'not a valid URL') : urlRefusal(url);
  if (why) return { code: 'UNREACHABLE_TARGET', rule: 'network', entry: null, reason: `${url.slice(0, 200)}: ${why}` };
  const block = domainBlock(new URL(url).hostname, policy);
  return block ? { code: 'BLOCKED_BY_POLICY', ...block } : null;
}

/**
 * The save-time dry run of target URLs (`path` names each in the error): 400 UNREACHABLE_TARGET listing every URL the
 * network rule refuses; only then the domain policy, 403 BLOCKED_BY_POLICY.
 */
export function checkTargets(targets: ReadonlyArray<{ path: string; url: string }>, policy: EgressPolicy, allowPrivate: boolean): void {
  const unreachable: ErrorIssue[] = [];
  const blocked: ErrorIssue[] = [];
  const seen = new Set<string>();
  for (const { path, url } of targets) {
    // A URL template's pages share one path: its first refused page is enough to show.
    if (seen.has(path)) continue;
    const refusal = targetRefusal(url, policy, allowPrivate);
    if (!refusal) continue;
    seen.add(path);
    if (refusal.code === 'UNREACHABLE_TARGET') unreachable.push({ path, message: refusal.reason });
    else blocked.push({ path, message: `${new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase()} is not allowed by the organization's domain policy` });
  }
  if (unreachable.length) throw new ApiError('UNREACHABLE_TARGET', `${unreachable.length === 1 ? 'A URL points' : 'URLs point'} at a private network or a host the fleet never fetches`, { issues: unreachable });
  if (blocked.length) throw new ApiError('BLOCKED_BY_POLICY', 'Some URLs are outside the organization\'s domain policy', { issues: blocked });
}
