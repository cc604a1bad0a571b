import type { BrowserContext, Page } from 'playwright-core';
import type { EgressLane } from './egress/proxy.ts';

/** A context and its page left by a finished task of one run, for that run's next task on this node. */
export interface KeptPage {
  orgId: string;
  runId: string;
  context: BrowserContext;
  page: Page;
  /** Unbound (refusing every request) while kept; null only without an egress proxy (browser-only tests). */
  lane: EgressLane | null;
  /** Requests its context made so far, over all its tasks (see MAX_KEPT_REQUESTS); absent: 0. */
  requests?: number;
}

/**
 * A page whose context has made this many requests is closed instead of kept (ADR 0067). Playwright keeps an object
 * for each request a listened-to context made (the node listens: egress, network rules) until the context closes,
 * up to ~14 KB each in the node's heap (up to 10000 per connection): a page kept for a whole run grew the node by that
 * much per request; bounded here at ~7 MB per kept page, for a new context every ~35 pages of 14 requests.
 */
export const MAX_KEPT_REQUESTS = 500;

export interface KeptOptions {
  /** At most this many kept at once on the node (its browser slots); the oldest goes first. */
  max: number;
  /** A kept page no task of its run took within this time is closed. */
  idleMs: number;
  /** A page whose context made at least this many requests is closed, not kept (default MAX_KEPT_REQUESTS). */
  maxRequests?: number;
}

interface Held {
  page: KeptPage;
  timer: NodeJS.Timeout;
  /** A renderer that crashes while kept is dropped (a crashed page is not closed, so take() could not tell). */
  onCrash: () => void;
}

/**
 * Pages kept between the tasks of one run (ADR 0062), as the bare script keeps its pages: a new page costs Chromium
 * a renderer and ~80 ms of CPU (bench/ctx-cost.ts), a navigation of a kept one about as much again. A page is only
 * ever handed to a task of the same organization and run it was kept for; any other task gets a fresh context, so
 * nothing crosses runs. The task that takes one clears its cookies first (runner.ts). Idle pages are closed after
 * `idleMs`, so a node that is not working for that run keeps none.
 */
export class KeptPages {
  readonly #held = new Map<string, Held[]>();
  #count = 0;
  #closed = false;

  constructor(private readonly opts: KeptOptions) {}

  /** A page kept for this task's run, or null. A page closed meanwhile (crash, browser gone) is dropped. */
  take(task: { orgId: string; runId: string }): KeptPage | null {
    const key = keyOf(task);
    const list = this.#held.get(key);
    let held: Held | undefined;
    while ((held = list?.pop())) {
      this.#count--;
      clearTimeout(held.timer);
      held.page.page.off('crash', held.onCrash);
      if (!held.page.page.isClosed() && held.page.context.browser()?.isConnected() !== false) break;
      void dispose(held.page);
      held = undefined;
    }
    if (list?.length === 0) this.#held.delete(key);
    return held?.page ?? null;
  }

  /** Keeps a finished task's page for its run; closes it at once when closed, `max` is 0 or it made too many requests. */
  keep(page: KeptPage): void {
    if (this.#closed || this.opts.max <= 0 || (page.requests ?? 0) >= (this.opts.maxRequests ?? MAX_KEPT_REQUESTS)) {
      void dispose(page);
      return;
    }
    while (this.#count >= this.opts.max && this.#dropOldest());
    const key = keyOf(page);
    const held: Held = { page, timer: setTimeout(() => this.#drop(key, held), this.opts.idleMs), onCrash: () => this.#drop(key, held) };
    held.timer.unref();
    page.page.once('crash', held.onCrash);
    const list = this.#held.get(key) ?? [];
    list.push(held);
    this.#held.set(key, list);
    this.#count++;
  }

  /** Pages kept now (health, tests). */
  get size(): number {
    return this.#count;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#held.values()].flat();
    this.#held.clear();
    this.#count = 0;
    for (const h of all) clearTimeout(h.timer);
    await Promise.all(all.map((h) => dispose(h.page)));
  }

  #drop(key: string, held: Held): void {
    const list = this.#held.get(key);
    const i = list?.indexOf(held) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.#held.delete(key);
    this.#count--;
    clearTimeout(held.timer);
    held.page.page.off('crash', held.onCrash);
    void dispose(held.page);
  }

  /** Closes one of the oldest kept pages; false when none is kept. */
  #dropOldest(): boolean {
    // Maps iterate in insertion order and each list is oldest first: the first entry is old enough.
    const [key, list] = this.#held.entries().next().value ?? [];
    if (key === undefined || !list?.[0]) return false;
    this.#drop(key, list[0]);
    return true;
  }
}

const keyOf = (p: { orgId: string; runId: string }): string => `${p.orgId}\n${p.runId}`;

async function dispose(p: KeptPage): Promise<void> {
  await p.context.close().catch(() => undefined);
  await p.lane?.close();
}

/** How long a kept page's reset may take before the task takes a fresh context instead. */
export const RESET_WITHIN_MS = 2000;

/**
 * A kept page made ready for the run's next task: no cookies of the previous page, no second page. A reset that
 * fails or hangs (a hostile page can leave its context so: a popup that never finishes closing) gives the page up,
 * closed in the background, and answers false: the task then takes a fresh context, never waits on a kept one.
 */
export async function resetKept(k: KeptPage, withinMs = RESET_WITHIN_MS): Promise<boolean> {
  const reset = (async () => {
    await k.context.clearCookies();
    await Promise.all(k.context.pages().filter((p) => p !== k.page).map((p) => p.close()));
    return true;
  })().catch(() => false);
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([reset, new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), withinMs); })]);
  clearTimeout(timer);
  if (!ok) void dispose(k);
  return ok;
}
