import { z } from 'zod';

/**
 * An organization's domain policy. Patterns are exact hosts (`example.com`, `203.0.113.7`) or
 * wildcards (`*.example.com`: every subdomain at any depth, not the apex itself). The edge checks
 * start URLs with it when a job is saved; the fleet's egress proxy enforces it on every request.
 */
const PATTERN_RE = /^(\*\.)?([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export const DomainPattern = z.string().trim().toLowerCase()
  .transform((p) => p.replace(/\.$/, ''))
  .pipe(z.string().max(253).regex(PATTERN_RE, 'an exact host (example.com) or a wildcard (*.example.com)'));

export const EgressPolicy = z.object({
  /** Empty: any public host. Otherwise only hosts matching one of these. */
  allowDomains: z.array(DomainPattern).max(500).default([]),
  /** Wins over the allow-list. */
  denyDomains: z.array(DomainPattern).max(500).default([]),
}).strict();
export type EgressPolicy = z.infer<typeof EgressPolicy>;

/** A request the fleet refused, as listed on a task result and shown to the user. */
export const BlockedRequest = z.object({
  url: z.string().max(2000),
  host: z.string().max(300),
  /** The resolved address that was refused, when the refusal came after resolution. */
  address: z.string().max(64).optional(),
  reason: z.string().max(500),
  /** The browser's resource type (document, script, fetch, websocket...), when the fleet could tell. */
  resourceType: z.string().max(40).optional(),
});
export type BlockedRequest = z.infer<typeof BlockedRequest>;

/** Lower case, no trailing dot, no IPv6 brackets: the form patterns are compared with. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

function matches(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

/** Which rule of the domain policy refuses a host: a deny-list entry, a missing allow-list entry, or no host at all. */
export interface DomainBlock { rule: 'deny' | 'allow' | 'host'; entry: string | null; reason: string }

/** The rule that refuses `host`, or null when the policy allows it. Deny wins; an empty allow-list allows any host. */
export function domainBlock(host: string, policy: EgressPolicy): DomainBlock | null {
  const h = normalizeHost(host);
  if (!h) return { rule: 'host', entry: null, reason: 'empty host' };
  const denied = policy.denyDomains.find((p) => matches(h, p));
  if (denied) return { rule: 'deny', entry: denied, reason: `host ${h} matches the deny-list entry ${denied}` };
  if (policy.allowDomains.length > 0 && !policy.allowDomains.some((p) => matches(h, p))) {
    return { rule: 'allow', entry: null, reason: `host ${h} is not on the organization's allow-list` };
  }
  return null;
}

/** Why the domain policy refuses `host`, or null when it allows it. */
export function domainBlockReason(host: string, policy: EgressPolicy): string | null {
  return domainBlock(host, policy)?.reason ?? null;
}

/** The pure matcher shared by the edge (save-time check) and the fleet (enforcement). */
export function domainAllowed(host: string, policy: EgressPolicy): boolean {
  return domainBlockReason(host, policy) === null;
}
