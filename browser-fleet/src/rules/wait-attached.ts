import { errors, type Frame, type Page } from 'playwright-core';
import { collectInPage, type CollectArgs } from '@trawl/engine';
import { sleep } from '../edge-client.ts';

/** Errors that mean the document went away mid-wait (a navigation): the wait goes on in the next document. */
const GONE_RE = /Execution context was destroyed|Cannot find context|navigat/i;

/**
 * Waits until `selector` matches an element (attached, visible or not), resolving it with the engine's own
 * in-page resolver (the same one extraction uses, ADR 0005). Playwright's waitForSelector would first install
 * its injected script in the page, ~40-50 ms of a fresh page's time (bench/task-phases.ts: the "wait" phase of an
 * already-rendered listing); the engine's one evaluate costs a few. When the attempt records a trace, the runner
 * uses Playwright's waitForSelector instead, so the trace shows the wait as an action with its locator.
 * Throws Playwright's TimeoutError on timeout, so a failed wait is classified exactly as before.
 */
export async function waitAttached(target: Page | Frame, selector: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  const args: CollectArgs = { itemSelector: selector, fields: {} };
  // Checked at once, on DOM mutations (at most once per task of the event loop), and every 100 ms (shadow roots and
  // frames' own documents are not observed), until the timeout.
  const poll = (ms: number): string => `(() => { const __name = (f) => f; const collect = ${collectInPage.toString()}; const arg = ${JSON.stringify(args)};
    const found = () => collect(arg).matched > 0;
    if (found()) return true;
    return new Promise((resolve) => {
      let pending = false;
      const done = (value) => { observer.disconnect(); clearInterval(timer); clearTimeout(limit); resolve(value); };
      const check = () => { pending = false; if (found()) done(true); };
      const observer = new MutationObserver(() => { if (!pending) { pending = true; setTimeout(check, 0); } });
      observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
      const timer = setInterval(check, 100);
      const limit = setTimeout(() => done(found()), ${ms});
    }); })()`;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) break;
    try {
      // Node keeps its own clock too: a page that blocks its main thread or replaces setTimeout cannot stretch the wait.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), left + 50);
      });
      const found = await Promise.race([target.evaluate(poll(left)), late]).finally(() => clearTimeout(timer));
      if (found) return;
    } catch (e) {
      if (!(e instanceof Error) || !GONE_RE.test(e.message)) throw e;
      await sleep(Math.min(50, Math.max(0, end - Date.now())));
    }
  }
  throw new errors.TimeoutError(`waiting for ${selector} to be attached: no element matched within ${timeoutMs} ms`);
}
