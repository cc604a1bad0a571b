import { errors } from 'playwright-core';
import type { PaginationSpec, PanelsSpec, TaskSpec } from '@trawl/schemas';
import type { Extraction } from '@trawl/engine';
import type { NetworkTracker } from './network.ts';
import { countItems, emptyExtraction, extractOnce, itemSignature, mergeExtraction, type Target } from './extract.ts';
import { mergePanels } from './panel-merge.ts';
import type { PageTools } from './tools.ts';

type InTask<T extends PaginationSpec['type']> = Extract<PaginationSpec, { type: T }>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it is true (true) or `ms` passes (false). */
async function until(check: () => Promise<boolean>, ms: number, tools: PageTools): Promise<boolean> {
  const end = Date.now() + tools.budget(ms);
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await tools.race(sleep(50));
  }
}

/** Every item the page yields: one pass, or clicking and scrolling within the task as the pagination rule says. */
export async function collectAll(target: Target, spec: TaskSpec, tools: PageTools, tracker: NetworkTracker): Promise<Extraction> {
  if (spec.panels) return byPanels(target, spec, spec.panels, tools);
  const p = spec.pagination;
  if (p?.type === 'nextButton') return byNextButton(target, spec, p, tools);
  if (p?.type === 'loadMore') await loadMore(target, spec, p, tools);
  if (p?.type === 'infiniteScroll') await scrollToEnd(target, spec, p, tools, tracker);
  return extractOnce(target, spec, tools);
}

/**
 * Visible, enabled, not aria-disabled. The button may vanish at any moment (the last "load more" removes itself), and
 * Playwright's attribute reads wait for an element that is gone, so each read is short and a timeout means "no".
 */
async function usable(target: Target, selector: string, tools: PageTools): Promise<boolean> {
  const el = target.locator(selector).first();
  try {
    if (!(await tools.race(el.isVisible()))) return false;
    const [enabled, aria] = await tools.race(Promise.all([el.isEnabled({ timeout: 500 }), el.getAttribute('aria-disabled', { timeout: 500 })]));
    return enabled && aria !== 'true';
  } catch (e) {
    if (e instanceof errors.TimeoutError && !tools.deadlineBound()) return false;
    throw e;
  }
}

/** Clicks the button; false when it vanished before the click could land (the list ended meanwhile). */
async function clickIfThere(target: Target, selector: string, tools: PageTools): Promise<boolean> {
  try {
    await tools.race(target.locator(selector).first().click({ timeout: tools.budget(5000) }));
    return true;
  } catch (e) {
    if (e instanceof errors.TimeoutError && !tools.deadlineBound() && (await tools.race(target.locator(selector).count())) === 0) return false;
    throw e;
  }
}

/** A script-driven next button: extract, click, wait until the items change, again; stop when it is gone or inert. */
async function byNextButton(target: Target, spec: TaskSpec, p: InTask<'nextButton'>, tools: PageTools): Promise<Extraction> {
  let out = await extractOnce(target, spec, tools);
  for (let page = 1; page < p.maxPages && (await usable(target, p.selector, tools)); page++) {
    const before = await itemSignature(target, spec, tools);
    if (!(await clickIfThere(target, p.selector, tools))) break;
    if (!(await until(async () => (await itemSignature(target, spec, tools)) !== before, p.settleMs, tools))) {
      tools.emit('log', `the page did not change within ${p.settleMs} ms after clicking ${p.selector}; stopping`, { page }, 'warn');
      break;
    }
    out = mergeExtraction(out, await extractOnce(target, spec, tools));
  }
  return out;
}

/** "Load more" until the button disappears: each click must add items (or remove the button) within settleMs. */
async function loadMore(target: Target, spec: TaskSpec, p: InTask<'loadMore'>, tools: PageTools): Promise<void> {
  for (let clicks = 0; clicks < p.maxClicks && (await usable(target, p.selector, tools)); clicks++) {
    const before = await countItems(target, spec, tools);
    if (!(await clickIfThere(target, p.selector, tools))) return;
    const moved = await until(async () => (await countItems(target, spec, tools)) > before || !(await usable(target, p.selector, tools)), p.settleMs, tools);
    if (!moved) {
      tools.emit('log', `no new items within ${p.settleMs} ms after "load more"; stopping`, { clicks }, 'warn');
      return;
    }
  }
}

/**
 * Scrolls to the bottom until no new items come. The stopping rule waits for idleMs after a scroll, and longer while
 * requests are still in flight (up to 4 × idleMs), so a slow JSON load is waited for instead of ending the list early.
 */
async function scrollToEnd(target: Target, spec: TaskSpec, p: InTask<'infiniteScroll'>, tools: PageTools, tracker: NetworkTracker): Promise<void> {
  for (let scrolls = 0; scrolls < p.maxScrolls; scrolls++) {
    const before = await countItems(target, spec, tools);
    await tools.race(target.evaluate('window.scrollTo(0, (document.scrollingElement || document.body).scrollHeight)'));
    const started = Date.now();
    const grew = await until(async () => {
      if ((await countItems(target, spec, tools)) > before) return true;
      const waited = Date.now() - started;
      if (waited >= p.idleMs * 4) throw new StopScrolling();
      if (waited >= p.idleMs && tracker.inFlight === 0 && tracker.quietFor() >= Math.min(250, p.idleMs)) throw new StopScrolling();
      return false;
    }, p.idleMs * 4 + 100, tools).catch((e: unknown) => {
      if (e instanceof StopScrolling) return false;
      throw e;
    });
    if (!grew) return;
  }
  tools.emit('log', `infinite scroll stopped at maxScrolls (${p.maxScrolls})`, {}, 'warn');
}

class StopScrolling extends Error {
  override name = 'StopScrolling';
}

/** Tabs and accordions: open each and extract; an item already seen under an earlier panel is not taken again. */
async function byPanels(target: Target, spec: TaskSpec, p: PanelsSpec, tools: PageTools): Promise<Extraction> {
  if (p.mode === 'merge') return mergePanels(target, spec, p, tools);
  const tabs = target.locator(p.selector);
  const n = await tools.race(tabs.count());
  const contextFields = Object.entries(spec.fields).filter(([, f]) => f.context === 'panel').map(([k]) => k);
  const seen = new Set<string>();
  let out: Extraction = emptyExtraction();
  for (let i = 0; i < n; i++) {
    const tab = tabs.nth(i);
    const label = (await tools.race(tab.innerText())).replace(/\s+/g, ' ').trim();
    await tools.race(tab.click({ timeout: tools.budget(5000) }));
    if (p.waitFor) await tools.race(target.locator(p.waitFor).first().waitFor({ state: 'visible', timeout: tools.budget(5000) }));
    if (p.settleMs) await tools.race(sleep(p.settleMs));
    const pass = await extractOnce(target, spec, tools, label);
    const fresh = pass.items.filter((it) => {
      const id = JSON.stringify(Object.entries(it).filter(([k]) => !contextFields.includes(k)));
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    out = mergeExtraction(out, { ...pass, items: fresh });
  }
  return out;
}
