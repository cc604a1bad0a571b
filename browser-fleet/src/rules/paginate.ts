import type { PaginationSpec, PanelsSpec, TaskSpec } from '@trawl/schemas';
import type { Extraction } from '@trawl/engine';
import type { NetworkTracker } from './network.ts';
import { countItems, emptyExtraction, extractOnce, itemSignature, mergeExtraction, type Target } from './extract.ts';
import { mergePanels } from './panel-merge.ts';
import { collectVirtual, scrollToEnd } from './scroll.ts';
import { STILL_MS, clickIfThere, settle, sleep, usable } from './settle.ts';
import type { StepEnd, StepLog } from './step-log.ts';
import type { PageTools } from './tools.ts';

/** What every pagination step works with. */
export interface PageCtx { target: Target; spec: TaskSpec; tools: PageTools; tracker: NetworkTracker; log: StepLog }

export type InTask<T extends PaginationSpec['type']> = Extract<PaginationSpec, { type: T }>;

/** Every item the page yields: one pass, or clicking and scrolling within the task as the pagination rule says. */
export async function collectAll(target: Target, spec: TaskSpec, tools: PageTools, tracker: NetworkTracker, log: StepLog): Promise<Extraction> {
  if (spec.panels) return byPanels(target, spec, spec.panels, tools, log);
  const p = spec.pagination;
  const ctx = { target, spec, tools, tracker, log };
  if (p?.type === 'nextButton') return byNextButton(ctx, p);
  if (p?.type === 'loadMore') await loadMore(ctx, p);
  if (p?.type === 'infiniteScroll') {
    if (p.virtualized) return collectVirtual(ctx, p);
    await scrollToEnd(ctx, p);
  }
  return extractOnce(target, spec, tools);
}

/**
 * A script-driven next button: extract, click, wait until the items have changed and then held still (no request in
 * flight, no loading marker), again; stop when the control is gone or inert, or the page did not change in settleMs.
 */
async function byNextButton(c: PageCtx, p: InTask<'nextButton'>): Promise<Extraction> {
  const { target, spec, tools, log } = c;
  // The first page too is read once it holds still: it may still be arriving in waves behind a loading marker.
  const first = Date.now();
  await settle(() => itemSignature(target, spec, tools), (_s, still) => (still.quiet >= Math.min(STILL_MS, p.settleMs) || Date.now() - first >= p.settleMs ? true : null),
    { ...c, loading: p.loading });
  let out = await extractOnce(target, spec, tools);
  log.step(`page 1: ${out.items.length} item(s)`, { step: 'nextButton', page: 1, items: out.items.length });
  let page = 1;
  let reason: StepEnd['reason'] = 'done';
  for (; ; page++) {
    if (!(await usable(target, p.selector, tools))) break;
    if (page >= p.maxPages) {
      reason = 'maxPages';
      break;
    }
    const before = await itemSignature(target, spec, tools);
    if (!(await clickIfThere(target, p.selector, tools))) break;
    log.step(`clicked ${p.selector} (page ${page + 1})`, { step: 'nextButton', action: 'click', selector: p.selector, page: page + 1 });
    const started = Date.now();
    const changed = await settle(() => itemSignature(target, spec, tools), (sig, still) => {
      const waited = Date.now() - started;
      // Changed: take it once it holds still (or has not changed for settleMs on a page that never goes quiet).
      if (sig !== before) return still.quiet >= Math.min(STILL_MS, p.settleMs) || still.same >= p.settleMs || waited >= p.settleMs * 4 ? true : null;
      return waited >= p.settleMs ? false : null;
    }, { ...c, loading: p.loading });
    if (!changed) {
      reason = 'noChange';
      break;
    }
    const pass = await extractOnce(target, spec, tools);
    out = mergeExtraction(out, pass);
    log.step(`page ${page + 1}: ${pass.items.length} item(s), ${out.items.length} so far`, { step: 'nextButton', page: page + 1, items: out.items.length });
  }
  const controlVisible = reason !== 'done' && (await usable(target, p.selector, tools));
  log.end({ step: 'nextButton', selector: p.selector, reason, controlVisible, steps: page - 1, items: out.items.length });
  return out;
}

/**
 * "Load more" until the control has been gone (or disabled) for settleMs with no request in flight and no loading
 * marker, or maxClicks. After a click the next one waits for the items to change and the control to be back (the
 * locator is resolved afresh: a control replaced by a spinner and drawn again as a new element is found again).
 */
async function loadMore(c: PageCtx, p: InTask<'loadMore'>): Promise<void> {
  const { target, spec, tools, log } = c;
  let before = await countItems(target, spec, tools);
  let clicks = 0;
  let reason: StepEnd['reason'] = 'done';
  for (;;) {
    const started = Date.now();
    const probe = async () => ({ control: await usable(target, p.selector, tools), items: await countItems(target, spec, tools) });
    const next = await settle(probe, (s, still) => {
      const moved = clicks === 0 || s.items !== before;
      // A page that never goes quiet (polling, beacons) still gets its next click once nothing changed for settleMs.
      if (s.control && moved && (still.quiet >= Math.min(STILL_MS, p.settleMs) || still.same >= p.settleMs)) return 'click' as const;
      if (!s.control && (still.quiet >= p.settleMs || still.same >= p.settleMs * 4)) return 'gone' as const;
      // The control stayed but the click brought nothing (a no-op control, or a load that never lands).
      if (s.control && !moved && Date.now() - started >= p.settleMs && still.same >= p.settleMs) return 'stuck' as const;
      return null;
    }, { ...c, loading: p.loading });
    const items = await countItems(target, spec, tools);
    if (clicks > 0) log.step(`after click ${clicks}: ${items} item(s)`, { step: 'loadMore', clicks, items });
    if (next === 'gone') break;
    if (next === 'stuck') {
      reason = 'noChange';
      break;
    }
    if (clicks >= p.maxClicks) {
      reason = 'maxClicks';
      break;
    }
    before = items;
    if (!(await clickIfThere(target, p.selector, tools))) continue;
    clicks++;
    log.step(`clicked ${p.selector} (${clicks})`, { step: 'loadMore', action: 'click', selector: p.selector, clicks, items });
  }
  const controlVisible = reason !== 'done' && (await usable(target, p.selector, tools));
  log.end({ step: 'loadMore', selector: p.selector, reason, controlVisible, steps: clicks, items: await countItems(target, spec, tools) });
}

/** Tabs and accordions: open each and extract; an item already seen under an earlier panel is not taken again. */
async function byPanels(target: Target, spec: TaskSpec, p: PanelsSpec, tools: PageTools, log: StepLog): Promise<Extraction> {
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
    log.step(`opened panel "${label}": ${fresh.length} new item(s), ${out.items.length} so far`, { step: 'panels', panel: label, items: out.items.length });
  }
  return out;
}
