import robotsParser from 'robots-parser';
import type { BrowserContext } from 'playwright-core';
import { TrawlError } from '@trawl/schemas';

/** The product token sites address in robots.txt. */
export const ROBOTS_AGENT = 'Trawl';
const TTL_MS = 10 * 60_000;
const MAX_ORIGINS = 2000;

/** GET of robots.txt through the task's egress lane: the browser context's request API, or the fast path's fetch. */
export type RobotsGet = (url: string, timeoutMs: number) => Promise<{ status: number; text: () => Promise<string> }>;

/** The browser's way: the context's request API (same proxy as its pages). */
export const contextRobotsGet = (context: BrowserContext): RobotsGet => async (url, timeoutMs) => {
  const res = await context.request.get(url, { timeout: timeoutMs, maxRedirects: 5, failOnStatusCode: false });
  return { status: res.status(), text: () => res.text() };
};

interface Rules { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined }
interface Entry { rules: Rules | 'allow-all' | 'server-error' | 'unreachable'; expires: number }

/**
 * robots.txt per origin, cached on the node for ten minutes. Fetched through the task's egress lane (browser context or fast path), so the
 * request goes through the same egress proxy and policy as the page itself. As RFC 9309 says: a 4xx means no rules;
 * a 5xx (HTTP_5XX) or an unreachable site (NAVIGATION_ERROR) means the whole site is off limits for now (retryable).
 */
export class RobotsCache {
  private readonly entries = new Map<string, Entry>();

  async check(get: RobotsGet, url: string, timeoutMs: number): Promise<{ crawlDelayMs?: number }> {
    const origin = new URL(url).origin;
    const entry = await this.load(get, origin, timeoutMs);
    // RFC 9309: a robots.txt that cannot be read means the whole site is off limits for now; the code says why.
    if (entry.rules === 'server-error') throw new TrawlError('HTTP_5XX', `robots.txt of ${origin} answered a server error; the site is off limits until it can be read`);
    if (entry.rules === 'unreachable') throw new TrawlError('NAVIGATION_ERROR', `robots.txt of ${origin} could not be fetched (the site did not answer)`);
    if (entry.rules === 'allow-all') return {};
    if (entry.rules.isAllowed(url, ROBOTS_AGENT) === false) {
      throw new TrawlError('BLOCKED_BY_POLICY', `robots.txt of ${origin} disallows ${new URL(url).pathname} for ${ROBOTS_AGENT}; set respectRobots: false only if you may ignore it`);
    }
    const delay = entry.rules.getCrawlDelay(ROBOTS_AGENT);
    return delay && delay > 0 ? { crawlDelayMs: Math.round(Math.min(delay, 3600) * 1000) } : {};
  }

  private async load(get: RobotsGet, origin: string, timeoutMs: number): Promise<Entry> {
    const hit = this.entries.get(origin);
    if (hit && hit.expires > Date.now()) return hit;
    let rules: Entry['rules'];
    try {
      const res = await get(`${origin}/robots.txt`, Math.max(500, Math.min(5000, timeoutMs)));
      if (res.status >= 500) rules = 'server-error';
      else if (res.status >= 400) rules = 'allow-all';
      else rules = robotsParser(`${origin}/robots.txt`, (await res.text()).slice(0, 512 * 1024)) as Rules;
    } catch {
      rules = 'unreachable';
    }
    if (this.entries.size >= MAX_ORIGINS) this.entries.delete(this.entries.keys().next().value!);
    const failed = rules === 'server-error' || rules === 'unreachable';
    const entry: Entry = { rules, expires: Date.now() + (failed ? 30_000 : TTL_MS) };
    this.entries.set(origin, entry);
    return entry;
  }
}

/** One robots.txt cache per node, shared by its tasks (browser and fast path alike). */
export const robots = new RobotsCache();
