import type { Frame, Page } from 'playwright-core';
import type { ItemData, TaskSpec } from '@trawl/schemas';
import { collectArgsOf, collectInPage, mergeUnparsed, type Extraction } from '@trawl/engine';
import { evaluateFunction } from '../page-function.ts';
import { PATTERN_CPU_BUDGET_MS, postProcess } from '../post-process/pool.ts';
import type { PageTools } from './tools.ts';

export type Target = Page | Frame;

/** Where items are read: the page, or the same-origin iframe the spec names. */
export async function extractionTarget(page: Page, spec: TaskSpec, tools: PageTools): Promise<Target> {
  if (!spec.frame) return page;
  const handle = await tools.race(page.waitForSelector(spec.frame, { state: 'attached', timeout: tools.budget(spec.wait.timeoutMs) }));
  const frame = await tools.race(handle.contentFrame());
  if (!frame) throw new Error(`${spec.frame} is not an iframe`);
  await tools.race(frame.waitForLoadState('domcontentloaded', { timeout: tools.budget() }));
  return frame;
}

/** One pass of the engine over the target: raw values in the page, processing here (user patterns in a worker). */
export async function extractOnce(target: Target, spec: TaskSpec, tools: PageTools, panel?: string | null): Promise<Extraction> {
  tools.budget();
  const raw = await tools.race(evaluateFunction(target, collectInPage, collectArgsOf(spec)));
  return tools.race(postProcess(raw, spec, { fetchedAt: Date.now(), panel, timeZone: spec.timeZone }, { cpuMs: PATTERN_CPU_BUDGET_MS, wallMs: tools.budget() }));
}

/** Visible, not excluded item elements: what pagination watches grow. No fields are read. */
export async function countItems(target: Target, spec: TaskSpec, tools: PageTools): Promise<number> {
  const args = { ...collectArgsOf(spec), fields: {}, nextSelector: undefined };
  return (await tools.race(evaluateFunction(target, collectInPage, args))).items.length;
}

/** A cheap fingerprint of the items shown, to see a script-driven page change. */
export async function itemSignature(target: Target, spec: TaskSpec, tools: PageTools): Promise<string> {
  const args = { itemSelector: spec.itemSelector, itemExclude: spec.itemExclude, fields: { t: { source: 'textContent' as const, all: false } } };
  const out = await tools.race(evaluateFunction(target, collectInPage, args));
  return JSON.stringify([out.items.length, out.items[0]?.t ?? null, out.items.at(-1)?.t ?? null]);
}

/** Adds one pass's results to the task's; item indexes stay those of the combined list. */
export function mergeExtraction(into: Extraction, next: Extraction): Extraction {
  return {
    items: [...into.items, ...next.items],
    incomplete: [...into.incomplete, ...next.incomplete.map((x) => ({ ...x, index: x.index + into.items.length }))],
    matched: into.matched + next.matched,
    nextUrl: next.nextUrl ?? into.nextUrl,
    unparsed: mergeUnparsed(into.unparsed, next.unparsed),
  };
}

export const emptyExtraction = (): Extraction => ({ items: [] as ItemData[], incomplete: [], matched: 0, nextUrl: null, unparsed: [] });
