import { getDomain } from 'tldts';
import { configOf, type Env } from '../env.ts';
import type { SlotAnswer } from '../rate-limit/slot-limiter.ts';
import type { WakeRef } from '../rate-limit/slot-waiters.ts';

/** The limits a run dispatches under: the organization's settings, or the deployment's defaults. */
export interface Politeness {
  /** This organization's cap per site (its policy), within the site's own limit shared by every organization. */
  siteMaxConcurrent: number;
  /** This organization's spacing per site (its policy); the site's shared spacing applies as well. */
  siteMinDelayMs: number;
  orgMaxTasksInFlight: number;
  /** Crawl-delays the sites' robots.txt asked for, by site, learnt from task results during the run. */
  crawlDelays?: Record<string, number>;
}

/** The registrable domain (example.co.uk for shop.example.co.uk); an IP address or a bare host stands for itself. */
export function siteOf(url: string): string {
  const host = new URL(url).hostname.toLowerCase();
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

/**
 * One limiter per site for the whole deployment, not per organization: N organizations must not put N times the
 * load on a site. The organizations share it fairly (slot-decision.ts); the organization's own cap is a second object.
 */
export const siteLimiterName = (site: string) => `site:${site}`;
const orgLimiterName = (orgId: string) => `org:${orgId}`;
export const slotLimiter = (env: Env, name: string) => env.SLOT_LIMITER.get(env.SLOT_LIMITER.idFromName(name));

/**
 * A slot for one dispatch: first the organization's task cap, then the target site's concurrency and spacing.
 * A task that gets no slot waits (its retry time says for how long); nothing is dropped. `wake` names it to the
 * limiter that refused it, which wakes it when a slot comes free (ADR 0060).
 */
export async function acquireSlot(env: Env, orgId: string, url: string, token: string, limits: Politeness, ttlMs: number, wake: WakeRef): Promise<SlotAnswer & { site: string }> {
  const site = siteOf(url);
  const org = await slotLimiter(env, orgLimiterName(orgId)).acquire({
    token, org: orgId, wake, maxConcurrent: limits.orgMaxTasksInFlight, orgMaxConcurrent: limits.orgMaxTasksInFlight, minDelayMs: 0, orgMinDelayMs: 0, ttlMs,
  });
  if (!org.granted) return { ...org, site };
  const operator = configOf(env);
  const answer = await slotLimiter(env, siteLimiterName(site)).acquire({
    token, org: orgId, ttlMs, wake, crawlDelayMs: limits.crawlDelays?.[site],
    maxConcurrent: operator.siteMaxConcurrent, minDelayMs: operator.siteMinDelayMs,
    orgMaxConcurrent: limits.siteMaxConcurrent, orgMinDelayMs: limits.siteMinDelayMs,
  });
  // Held for an instant only: nobody waited for that slot, so giving it back wakes nobody (nor starts a wake loop).
  if (!answer.granted) await slotLimiter(env, orgLimiterName(orgId)).release(token, false);
  return { ...answer, site };
}

export async function releaseSlot(env: Env, orgId: string, url: string, token: string): Promise<void> {
  await Promise.all([
    slotLimiter(env, orgLimiterName(orgId)).release(token),
    slotLimiter(env, siteLimiterName(siteOf(url))).release(token),
  ]);
}
