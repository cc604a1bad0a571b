import { domainAllowed, urlRefusal, type EgressPolicy, type ErrorIssue } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';

/**
 * The save-time dry run of target URLs (`path` names each in the error) against the private-network rule, then the
 * organization's domain policy. The private-network rule is the shared classifier the fleet applies after DNS, so
 * the edge refuses on save everything the fleet would refuse without DNS: 400 UNREACHABLE_TARGET, listing every
 * such URL. Only then is the domain policy asked: 403 BLOCKED_BY_POLICY. ALLOW_PRIVATE_TARGETS (local stack only)
 * turns the first check off.
 */
export function checkTargets(targets: ReadonlyArray<{ path: string; url: string }>, policy: EgressPolicy, allowPrivate: boolean): void {
  const unreachable: ErrorIssue[] = [];
  const blocked: ErrorIssue[] = [];
  const seen = new Set<string>();
  for (const { path, url } of targets) {
    // A URL template's pages share one path: its first refused page is enough to show.
    if (seen.has(path)) continue;
    const why = allowPrivate ? (URL.canParse(url) ? null : 'not a valid URL') : urlRefusal(url);
    if (why) {
      unreachable.push({ path, message: `${url.slice(0, 200)}: ${why}` });
      seen.add(path);
      continue;
    }
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (!domainAllowed(host, policy)) {
      blocked.push({ path, message: `${host} is not allowed by the organization's domain policy` });
      seen.add(path);
    }
  }
  if (unreachable.length) throw new ApiError('UNREACHABLE_TARGET', `${unreachable.length === 1 ? 'A URL points' : 'URLs point'} at a private network or a host the fleet never fetches`, { issues: unreachable });
  if (blocked.length) throw new ApiError('BLOCKED_BY_POLICY', 'Some URLs are outside the organization\'s domain policy', { issues: blocked });
}
