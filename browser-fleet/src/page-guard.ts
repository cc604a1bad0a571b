import { errors, type BrowserContext, type Dialog, type Download, type Page } from 'playwright-core';
import { TrawlError, type RunEventInput } from '@trawl/schemas';
import type { Step } from './failure.ts';
import { messageOf } from './log.ts';

type Emit = (type: RunEventInput['type'], message: string, data: Record<string, unknown>, level?: RunEventInput['level']) => void;

export interface GuardHooks {
  emit: Emit;
  /** Ends the task now with this error (the context is closed); later calls are ignored by the runner. */
  fail: (error: TrawlError) => void;
}

/** Reported as events up to this many per kind; the rest only counted. */
const MAX_EVENTS = 5;
/** How long a failed navigation waits for the download event that may explain it. */
const DOWNLOAD_WAIT_MS = 250;

/**
 * Everything a page can set off outside the task's own steps, handled so that it ends at most its own task.
 * Each handler runs on Playwright's event emitter, where a throw would be uncaught and end the node process
 * (issue #9: window.open did exactly that), so each one is wrapped by `safe` and every promise it starts is caught.
 *
 * - popups (window.open, target=_blank, any second page of the context): closed at once. Their first request
 *   already went through the context's egress lane, like every request of the context.
 * - downloads: refused (the pool makes contexts with acceptDownloads false); counted.
 * - dialogs (alert, confirm, prompt, beforeunload): dismissed (beforeunload accepted, so leaving is never held).
 * - renderer crash (a memory bomb, a crash): PAGE_CRASHED; the page closing itself (window.close()): PAGE_CLOSED.
 * Frames need nothing here: Chromium itself attaches at most 1,000 subframes to a page (a 10,000-iframe page
 * gets 1,000 frames, measured), and a page's workers run in its renderer and fetch through its egress lane.
 */
export class PageGuard {
  readonly #counts = { popups: 0, downloads: 0, dialogs: 0 };
  #done = false;
  #pageDownload: string | null = null;
  #onPageDownload: (() => void) | null = null;
  #detach: () => void = () => undefined;

  constructor(private readonly context: BrowserContext, private readonly page: Page, private readonly hooks: GuardHooks) {
    const onPopup = this.#safe('popup', (p: Page) => this.#onPopup(p));
    const onDialog = this.#safe('dialog', (d: Dialog) => this.#onDialog(d));
    const onDownload = this.#safe('download', (d: Download) => {
      this.#pageDownload ??= d.url();
      this.#onPageDownload?.();
      this.#onDownload(d);
    });
    const onCrash = this.#safe('crash', () => this.hooks.fail(new TrawlError('PAGE_CRASHED', 'the page crashed its renderer')));
    // A browser that dies closes its pages too: the runner asks browserAlive() before it reports PAGE_CLOSED.
    const onClose = this.#safe('close', () => {
      if (!this.#done && context.browser()?.isConnected() !== false) this.hooks.fail(new TrawlError('PAGE_CLOSED', 'the page closed before the task finished'));
    });
    context.on('page', onPopup);
    context.on('dialog', onDialog);
    page.on('download', onDownload);
    page.once('crash', onCrash);
    page.once('close', onClose);
    this.#detach = () => {
      context.off('page', onPopup);
      context.off('dialog', onDialog);
      page.off('download', onDownload);
      page.off('crash', onCrash);
      page.off('close', onClose);
    };
  }

  /** The page outlives the task (kept for the run's next task, kept-pages.ts): this task's handlers go. */
  detach(): void {
    this.#done = true;
    this.#detach();
  }

  /** Called before the runner closes the context itself: the page closing from then on is expected. */
  finish(): void {
    this.#done = true;
    const { popups, downloads, dialogs } = this.#counts;
    if (popups + downloads + dialogs > 0) this.hooks.emit('log', `the page opened ${popups} popups, ${downloads} downloads and ${dialogs} dialogs (all refused)`, { popups, downloads, dialogs }, 'warn');
  }

  /** Whether the page's browser still answers (a page closed with its browser is BROWSER_CRASHED, not PAGE_CLOSED). */
  async browserAlive(): Promise<boolean> {
    const browser = this.context.browser();
    if (!browser?.isConnected()) return false;
    const probe = browser.newBrowserCDPSession().then(async (s) => {
      await s.detach().catch(() => undefined);
      return true;
    }, () => false);
    return Promise.race([probe, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000))]);
  }

  get counts(): Readonly<{ popups: number; downloads: number; dialogs: number }> {
    return this.#counts;
  }

  /**
   * DOWNLOAD_REFUSED when the task page itself turned into a download (its URL answered with an attachment):
   * Playwright then fails the navigation, and a retry would only fetch the file again.
   */
  async navigationError(waitMs: number): Promise<TrawlError | null> {
    // The failed navigation can reach us just before the download event that explains it: wait briefly for it.
    if (this.#pageDownload === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#onPageDownload = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#onPageDownload = null;
    }
    return this.#pageDownload === null ? null : new TrawlError('DOWNLOAD_REFUSED', `the page is a file download (refused): ${this.#pageDownload}`);
  }

  #onPopup(p: Page): void {
    if (p === this.page) return;
    this.#counts.popups++;
    if (this.#counts.popups <= MAX_EVENTS) this.hooks.emit('log', 'closed a popup the page opened', { url: p.url() }, 'warn');
    // A popup's own downloads and dialogs are refused like the page's; it is closed before it can do much.
    p.on('download', this.#safe('download', (d: Download) => this.#onDownload(d)));
    void p.close().catch(() => undefined);
  }

  #onDialog(d: Dialog): void {
    this.#counts.dialogs++;
    if (this.#counts.dialogs <= MAX_EVENTS) this.hooks.emit('log', `dismissed a ${d.type()} dialog`, { type: d.type() }, 'warn');
    void (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => undefined);
  }

  #onDownload(d: Download): void {
    this.#counts.downloads++;
    if (this.#counts.downloads <= MAX_EVENTS) this.hooks.emit('log', 'refused a download', { url: d.url() }, 'warn');
    void d.cancel().catch(() => undefined);
  }

  /** A handler that cannot throw into the emitter: an unexpected error fails this task only. */
  #safe<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (e) {
        this.hooks.fail(new TrawlError('INTERNAL', `handling a page ${what} event failed: ${messageOf(e)}`));
      }
    };
  }
}

export interface CauseFacts {
  error: unknown;
  step: Step;
  stopped: boolean;
  /** What the guard failed the task with, if it did. */
  pageError: TrawlError | null;
  /** The browser was seen disconnecting. */
  crashed: boolean;
}

/**
 * What explains a failed task, given what its page did. A navigation that became a refused download is
 * DOWNLOAD_REFUSED (not the "Download is starting" error); PAGE_CRASHED or PAGE_CLOSED explain any step error after
 * them; but a page closed because its whole browser died is the browser's failure (BROWSER_CRASHED), so PAGE_CLOSED
 * counts only while the browser still answers.
 */
export async function pageCause(guard: PageGuard | null, f: CauseFacts): Promise<{ error: unknown; navigation: TrawlError | null; crashed: boolean }> {
  const navigation = guard && f.step === 'navigate' && !f.stopped && !(f.error instanceof errors.TimeoutError) ? await guard.navigationError(DOWNLOAD_WAIT_MS) : null;
  const closed = f.pageError?.code === 'PAGE_CLOSED';
  const crashed = f.crashed || (closed && !(await guard?.browserAlive()));
  if (closed && crashed) return { error: f.error === f.pageError ? new Error('the browser closed') : f.error, navigation, crashed };
  return { error: f.pageError ?? f.error, navigation, crashed };
}
