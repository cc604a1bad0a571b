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

/** A dispatch asking for slots; `wake` is who to wake if it is refused (ADR 0060). */
export interface SlotWant { url: string; token: string; wake?: WakeRef }

/**
 * Slots for dispatches, in order: first the organization's task cap, then each target site's concurrency and
 * spacing. A task that gets no slot waits (its retry time says for how long); nothing is dropped: `wake` names it
 * to the limiter that refused it, which wakes it when a slot comes free (ADR 0060). One call per limiter for the
 * whole list (ADR 0061), decided in order as one call per task would be.
 */
export async function acquireSlots(env: Env, orgId: string, wants: readonly SlotWant[], limits: Politeness, ttlMs: number): Promise<Array<SlotAnswer & { site: string }>> {
  if (wants.length === 0) return [];
  const org = slotLimiter(env, orgLimiterName(orgId));
  const orgAnswers = await org.acquireMany(wants.map((w) => ({
    token: w.token, org: orgId, wake: w.wake, maxConcurrent: limits.orgMaxTasksInFlight, orgMaxConcurrent: limits.orgMaxTasksInFlight, minDelayMs: 0, orgMinDelayMs: 0, ttlMs,
  })));
  const out = wants.map((w, i) => ({ ...orgAnswers[i]!, site: siteOf(w.url) }));
  const operator = configOf(env);
  await Promise.all([...groupBySite(out.flatMap((a, i) => (a.granted ? [i] : [])), (i) => out[i]!.site)].map(async ([site, idxs]) => {
    const answers = await slotLimiter(env, siteLimiterName(site)).acquireMany(idxs.map((i) => ({
      token: wants[i]!.token, org: orgId, ttlMs, wake: wants[i]!.wake, crawlDelayMs: limits.crawlDelays?.[site],
      maxConcurrent: operator.siteMaxConcurrent, minDelayMs: operator.siteMinDelayMs,
      orgMaxConcurrent: limits.siteMaxConcurrent, orgMinDelayMs: limits.siteMinDelayMs,
    })));
    idxs.forEach((i, k) => { out[i] = { ...answers[k]!, site }; });
  }));
  // The organization's slot of a task its site refused goes back at once: held for an instant only, nobody waited
  // for it, so giving it back wakes nobody (nor starts a wake loop).
  const refused = out.flatMap((a, i) => (orgAnswers[i]!.granted && !a.granted ? [wants[i]!.token] : []));
  if (refused.length) await org.releaseMany(refused, false);
  return out;
}

/** Slots of ended dispatches: one call to the organization's limiter and one per site. */
export async function releaseSlots(env: Env, orgId: string, held: readonly SlotWant[]): Promise<void> {
  if (held.length === 0) return;
  const bySite = groupBySite(held, (h) => siteOf(h.url));
  await Promise.all([
    slotLimiter(env, orgLimiterName(orgId)).releaseMany(held.map((h) => h.token)),
    ...[...bySite].map(([site, hs]) => slotLimiter(env, siteLimiterName(site)).releaseMany(hs.map((h) => h.token))),
  ]);
}

/** Items grouped by site, each group in the items' order. */
export function groupBySite<T>(items: readonly T[], siteOfItem: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) groups.set(siteOfItem(t), [...(groups.get(siteOfItem(t)) ?? []), t]);
  return groups;
}
