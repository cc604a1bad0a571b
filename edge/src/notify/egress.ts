import { addressRefusal, canonicalHost, isIpLiteral, type EgressPolicy } from '@trawl/schemas';
import { targetRefusal, type TargetRefusal } from '../services/policy/targets.ts';
import { egressAllowed, type NotifyConfig } from './config.ts';

/**
 * A webhook is a request to a URL a user chose, so it obeys the same rules as a page (ADR 0024, 0046): the shared
 * private-address classifier, then the organization's domain policy. ALLOW_PRIVATE_TARGETS does not apply: only
 * NOTIFY_EGRESS_ALLOW's exact host:port pairs (local stack, refused in production) pass the network rule.
 */
export function webhookRefusal(url: string, policy: EgressPolicy, cfg: NotifyConfig): TargetRefusal | null {
  if (!URL.canParse(url)) return targetRefusal(url, policy, false);
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return targetRefusal(url, policy, egressAllowed(cfg, u.hostname, port));
}

interface DohAnswer { Status?: number; Answer?: Array<{ type: number; data: string }> }

/**
 * Before each attempt a host name is resolved (DNS over HTTPS) and every address it gives is checked, so a name
 * that points at a private address (DNS rebinding, *.nip.io) is refused. Address literals were checked statically.
 * Returns why the target is refused, or null.
 */
export async function resolvedRefusal(url: string, cfg: NotifyConfig, fetcher: typeof fetch = fetch): Promise<string | null> {
  const u = new URL(url);
  const host = canonicalHost(u.hostname);
  if (host === null) return `${u.hostname} is not a valid host name`;
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (isIpLiteral(host) || egressAllowed(cfg, host, port)) return null;
  const addresses: string[] = [];
  for (const type of ['A', 'AAAA']) {
    const res = await fetcher(`${cfg.dohUrl}?name=${encodeURIComponent(host)}&type=${type}`, { headers: { accept: 'application/dns-json' } });
    if (!res.ok) throw new Error(`resolving ${host} failed: the resolver answered ${res.status}`);
    const body = (await res.json()) as DohAnswer;
    for (const a of body.Answer ?? []) if (a.type === 1 || a.type === 28) addresses.push(a.data);
  }
  if (!addresses.length) return `${host} has no address`;
  for (const a of addresses) {
    const why = addressRefusal(a);
    if (why) return `${host} resolves to ${a}, which is not a public address: ${why}`;
  }
  return null;
}
