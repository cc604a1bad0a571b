import { getDomain } from 'tldts';
import type { Env } from '../env.ts';
import type { SlotAnswer } from '../rate-limit/slot-limiter.ts';

/** The limits a run dispatches under: the organization's settings, or the deployment's defaults. */
export interface Politeness {
  siteMaxConcurrent: number;
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

const limiter = (env: Env, name: string) => env.SLOT_LIMITER.get(env.SLOT_LIMITER.idFromName(name));

/**
 * A slot for one dispatch: first the organization's task cap, then the target site's concurrency and spacing.
 * A task that gets no slot waits (its retry time says for how long); nothing is dropped.
 */
export async function acquireSlot(env: Env, orgId: string, url: string, token: string, limits: Politeness, ttlMs: number): Promise<SlotAnswer & { site: string }> {
  const site = siteOf(url);
  const org = await limiter(env, `org:${orgId}`).acquire({ token, maxConcurrent: limits.orgMaxTasksInFlight, minDelayMs: 0, jitterMs: 0, ttlMs });
  if (!org.granted) return { ...org, site };
  const minDelayMs = Math.max(limits.siteMinDelayMs, limits.crawlDelays?.[site] ?? 0);
  const jitter = Math.round(minDelayMs / 2);
  const answer = await limiter(env, `site:${orgId}:${site}`).acquire({ token, maxConcurrent: limits.siteMaxConcurrent, minDelayMs, jitterMs: jitter, ttlMs });
  if (!answer.granted) await limiter(env, `org:${orgId}`).release(token);
  return { ...answer, site };
}

export async function releaseSlot(env: Env, orgId: string, url: string, token: string): Promise<void> {
  await Promise.all([
    limiter(env, `org:${orgId}`).release(token),
    limiter(env, `site:${orgId}:${siteOf(url)}`).release(token),
  ]);
}
