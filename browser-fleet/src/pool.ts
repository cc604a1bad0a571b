import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import type { StorageState } from '@trawl/schemas';
import { launchChromium, NO_STARTUP_WINDOW, type ChromiumProcess } from './chromium-process.ts';
import type { SandboxPlan } from './chromium-user.ts';
import { messageOf, type Logger } from './log.ts';

/** Options a task may set on its context. */
export interface ContextOptions {
  userAgent?: string;
  /** HAR recording (written when the context closes); set by the artifact recorder. */
  recordHar?: { path: string; content: 'omit' | 'embed' };
  /** The task's own egress proxy lane (egress/proxy.ts); every request of the context goes through it. */
  proxy?: { server: string; bypass: string };
  /** The job's stored login session (Playwright storageState), loaded into the fresh context. */
  storageState?: StorageState;
}

/** Anything that hands out fresh, isolated contexts (the pool, or a stub in tests). */
export interface ContextSource {
  newContext(opts: ContextOptions): Promise<BrowserContext>;
}

export interface PoolOptions {
  browsers: number;
  chromiumPath: string;
  /** Connect here instead of launching (a browserless server or any CDP endpoint). */
  cdpEndpoint?: string | undefined;
  log: Logger;
  /** Refuse contexts without an egress proxy (the node sets this; tests of the browser alone do not). */
  requireProxy?: boolean;
  /** As whom, and how sandboxed, browsers run (chromium-user.ts); absent: the secure default. */
  sandbox?: SandboxPlan;
  /**
   * A launched browser with no context for this long is stopped, and launched again by the next context (ADR 0065):
   * an idle node holds no Chromium. Absent or 0: kept until close().
   */
  idleMs?: number;
}

interface Slot {
  browser: Browser | null;
  proc: ChromiumProcess | null;
  /** The launch or connect in progress, shared by every caller that needs this slot. */
  pending: Promise<Browser> | null;
  contexts: number;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * A few browsers reached over CDP. Each task gets its own BrowserContext (isolated cookies and
 * storage) on the least-loaded browser; a browser that crashes or disconnects is replaced on the
 * next request, and close() kills every process the pool started.
 */
export class BrowserPool implements ContextSource {
  #slots: Slot[];
  #closed = false;
  /** The last launch or connect failed (health: a node that cannot start a browser is not ok); cleared by the next success. */
  #failing = false;

  constructor(readonly opts: PoolOptions) {
    this.#slots = Array.from({ length: opts.browsers }, () => ({ browser: null, proc: null, pending: null, contexts: 0, idleTimer: null }));
  }

  /** Brings every browser up now, so the first task does not pay for a launch. */
  async start(): Promise<this> {
    await Promise.all(this.#slots.map((s) => this.#ensure(s)));
    return this;
  }

  async newContext(opts: ContextOptions): Promise<BrowserContext> {
    if (this.#closed) throw new Error('browser pool is closed');
    // Fail closed: a context without the egress proxy would reach the node's network directly.
    if (this.opts.requireProxy && !opts.proxy) throw new Error('refusing a browser context without an egress proxy');
    const slot = this.#slots.reduce((a, b) => (b.contexts < a.contexts ? b : a));
    slot.contexts++;
    this.#disarm(slot);
    try {
      // One retry on a fresh browser: a browser that just died may still look connected
      // until its socket closes, and the task should not pay for that.
      for (let attempt = 0; ; attempt++) {
        const browser = await this.#ensure(slot);
        try {
          // Service workers would fetch outside the page's CDP session and its resource blocking. Downloads are
          // refused: a page could otherwise fill the node's disk (page-guard.ts counts them).
          const context = await browser.newContext({ userAgent: opts.userAgent, recordHar: opts.recordHar, proxy: opts.proxy, serviceWorkers: 'block', acceptDownloads: false,
            ...(opts.storageState ? { storageState: opts.storageState as BrowserContextOptions['storageState'] } : {}) });
          context.once('close', () => this.#release(slot));
          return context;
        } catch (e) {
          const dead = !browser.isConnected() || (slot.browser === browser && slot.proc?.exited === true);
          if (attempt > 0 || !dead) throw e;
          if (slot.browser === browser) slot.browser = null;
        }
      }
    } catch (e) {
      this.#release(slot);
      throw e;
    }
  }

  /** True while the last browser launch (or connect) failed: the node cannot run browser work. */
  get failing(): boolean {
    return this.#failing;
  }

  #release(slot: Slot): void {
    slot.contexts--;
    if (slot.contexts > 0 || !this.opts.idleMs || this.#closed) return;
    this.#disarm(slot);
    slot.idleTimer = setTimeout(() => void this.#stopIdle(slot), this.opts.idleMs);
    slot.idleTimer.unref();
  }

  #disarm(slot: Slot): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
  }

  /** Stops a browser nobody used for idleMs; the next newContext() launches a new one. */
  async #stopIdle(slot: Slot): Promise<void> {
    slot.idleTimer = null;
    if (slot.contexts > 0 || slot.pending || this.#closed || !slot.browser) return;
    const { proc, browser } = slot;
    // Cleared first: the 'disconnected' handler sees a browser that is no longer the slot's and does not relaunch it.
    slot.browser = null;
    slot.proc = null;
    this.opts.log.info('browser idle; stopped until the next task', { pid: proc?.pid, idleMs: this.opts.idleMs });
    if (proc) await proc.kill();
    else await browser.close().catch(() => undefined);
  }

  /** Connected browsers (health). */
  get browsers(): number {
    return this.#slots.filter((s) => s.browser?.isConnected()).length;
  }

  get contexts(): number {
    return this.#slots.reduce((n, s) => n + s.contexts, 0);
  }

  /** CDP endpoints of the browsers this pool launched (their loopback bridges; tests attack them). */
  endpoints(): string[] {
    return this.#slots.flatMap((s) => (s.proc ? [s.proc.wsEndpoint] : []));
  }

  /** Pids of the browsers this pool launched (tests check they are gone after close). */
  pids(): number[] {
    return this.#slots.flatMap((s) => (s.proc ? [s.proc.pid] : []));
  }

  /** The CDP ports of the browsers now running (or of TRAWL_CDP_ENDPOINT): the egress proxy never lets a page reach them. */
  debugPorts(): number[] {
    const endpoints = this.opts.cdpEndpoint ? [this.opts.cdpEndpoint] : this.#slots.flatMap((s) => (s.proc ? [s.proc.wsEndpoint] : []));
    return endpoints.filter((e) => URL.canParse(e)).map((e) => Number(new URL(e).port)).filter((p) => p > 0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map(async (s) => {
      this.#disarm(s);
      await s.pending?.catch(() => undefined);
      const { browser, proc } = s;
      s.browser = null;
      s.proc = null;
      // Our own browsers are killed outright; a remote endpoint only loses our connection.
      if (proc) await proc.kill();
      else await browser?.close().catch(() => undefined);
    }));
  }

  #ensure(slot: Slot): Promise<Browser> {
    if (slot.browser?.isConnected() && !slot.proc?.exited) return Promise.resolve(slot.browser);
    slot.pending ??= this.#connect(slot).finally(() => {
      slot.pending = null;
    });
    return slot.pending;
  }

  async #connect(slot: Slot): Promise<Browser> {
    const old = slot.proc;
    slot.proc = null;
    slot.browser = null;
    await old?.kill();
    let proc: ChromiumProcess | null = null;
    let browser: Browser;
    try {
      proc = this.opts.cdpEndpoint ? null : await launchChromium(this.opts.chromiumPath, this.opts.sandbox, undefined, [NO_STARTUP_WINDOW]);
      browser = await chromium.connectOverCDP(proc?.wsEndpoint ?? this.opts.cdpEndpoint ?? '', { timeout: 15_000 });
    } catch (e) {
      this.#failing = true;
      await proc?.kill();
      throw e;
    }
    this.#failing = false;
    if (this.#closed) {
      await (proc ? proc.kill() : browser.close());
      throw new Error('browser pool is closed');
    }
    slot.proc = proc;
    slot.browser = browser;
    browser.once('disconnected', () => {
      if (this.#closed || slot.browser !== browser) return;
      this.opts.log.warn('browser disconnected; it is replaced on the next task', { pid: proc?.pid });
      slot.browser = null;
      // Reap the dead browser's leftovers now rather than at the next launch.
      this.#ensure(slot).catch((e: unknown) => this.opts.log.error('browser relaunch failed', { error: messageOf(e) }));
    });
    this.opts.log.info('browser ready', { pid: proc?.pid, remote: proc === null });
    return browser;
  }
}
