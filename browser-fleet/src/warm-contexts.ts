import type { BrowserContext, Page } from 'playwright-core';
import type { ContextOptions, ContextSource } from './pool.ts';
import type { EgressLane, EgressProxy } from './egress/proxy.ts';
import { messageOf, type Logger } from './log.ts';

/** A fresh context with one blank page, made before any task asked for it, and its own (unbound) egress lane. */
export interface WarmContext {
  context: BrowserContext;
  page: Page;
  /** Null only when the node runs without an egress proxy (browser-only tests). */
  lane: EgressLane | null;
}

export interface WarmOptions {
  source: ContextSource;
  egress?: EgressProxy | undefined;
  /** How many to keep ready; 0 turns this off. */
  size: number;
  /**
   * With no take() for this long the stock is closed and not refilled until the next take() (ADR 0062): an idle
   * node, or one whose runs' tasks all get kept pages (kept-pages.ts), holds no blank contexts. Absent: never.
   */
  idleMs?: number;
  /**
   * false: a take() that finds the stock empty does not fill it; replenish() does (ADR 0065). The node sets this while
   * kept pages serve a run's next tasks, so blank contexts are made when a context is closed instead of kept, not
   * at every run's first task only to sit unused. Default true.
   */
  refillOnMiss?: boolean;
  log: Logger;
}

/**
 * Fresh BrowserContexts made ahead of time, so a task does not wait for one. A context and its first page cost
 * ~50 ms of a task's time even in the headless shell (bench/task-phases.ts); made while the previous task
 * reports and the next is dispatched, they are off the task's path. Each starts with exactly one task; after it, it is
 * closed or kept for tasks of that same run only (kept-pages.ts, ADR 0062): nothing passes between runs. A warm context is made with the default
 * context options only (no user agent, HAR recording or stored login: those tasks make their own), and its
 * egress lane refuses every request until the task that takes it binds its policy (EgressLane.bind).
 */
export class WarmContexts {
  readonly #stock: WarmContext[] = [];
  #making = 0;
  #closed = false;
  /** Consecutive failures to make one; after a few the stock stops refilling until a take() asks again. */
  #failures = 0;
  /** Closed for idleness: no refill until a task asks again. */
  #idle = false;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: WarmOptions) {}

  /** Whether a task with these context options can use a warm context. */
  static fits(opts: ContextOptions): boolean {
    return opts.userAgent === undefined && opts.recordHar === undefined && opts.storageState === undefined;
  }

  /** Fills the stock in the background. */
  start(): this {
    this.#refill();
    this.#armIdle();
    return this;
  }

  /** A ready context, or null when none is (the task then makes its own). Starts making its replacement. */
  take(): WarmContext | null {
    let warm: WarmContext | undefined;
    while ((warm = this.#stock.shift())) {
      if (!warm.page.isClosed() && warm.context.browser()?.isConnected() !== false) break;
      void this.#dispose(warm);
      warm = undefined;
    }
    if (!warm && this.opts.refillOnMiss === false) return null;
    this.replenish();
    return warm ?? null;
  }

  /** Fills the stock again (after idleness too): a task ended without leaving a page for the next. */
  replenish(): void {
    this.#failures = 0;
    this.#idle = false;
    this.#refill();
    this.#armIdle();
  }

  /** Contexts ready now (metrics, tests). */
  get ready(): number {
    return this.#stock.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    await Promise.all(this.#stock.splice(0).map((w) => this.#dispose(w)));
  }

  #refill(): void {
    while (!this.#closed && !this.#idle && this.#failures < 3 && this.#stock.length + this.#making < this.opts.size) {
      this.#making++;
      this.#make().then((warm) => {
        this.#failures = 0;
        if (this.#closed || this.#idle) void this.#dispose(warm);
        else this.#stock.push(warm);
      }, (e: unknown) => {
        this.#failures++;
        this.opts.log.warn('making a warm browser context failed', { error: messageOf(e), failures: this.#failures });
      }).finally(() => {
        this.#making--;
        this.#refill();
      });
    }
  }

  #armIdle(): void {
    if (this.opts.idleMs === undefined || this.#closed) return;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#idle = true;
      for (const w of this.#stock.splice(0)) void this.#dispose(w);
    }, this.opts.idleMs);
    this.#idleTimer.unref();
  }

  async #make(): Promise<WarmContext> {
    const lane = (await this.opts.egress?.open()) ?? null;
    try {
      const context = await this.opts.source.newContext(lane ? { proxy: lane.proxy } : {});
      try {
        return { context, page: await context.newPage(), lane };
      } catch (e) {
        await context.close().catch(() => undefined);
        throw e;
      }
    } catch (e) {
      await lane?.close();
      throw e;
    }
  }

  async #dispose(w: WarmContext): Promise<void> {
    await w.context.close().catch(() => undefined);
    await w.lane?.close();
  }
}
