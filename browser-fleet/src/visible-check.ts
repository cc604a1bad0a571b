import type { Page } from 'playwright-core';
import type { TaskSpec, VisibleDiffers } from '@trawl/schemas';
import { collectArgsOf, collectInPage, type CollectField, type RawValue } from '@trawl/engine';
import { evaluateFunction } from './page-function.ts';

/** Whitespace and letter case are layout (text-transform), not a different value: neither ever warns. */
const squash = (v: RawValue | undefined): string => (Array.isArray(v) ? v.map(squash).join('') : typeof v === 'string' ? v.replace(/\s+/g, '').toLowerCase() : '');
const shown = (v: RawValue | undefined): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null)).slice(0, 300);

interface FieldDiff { field: string; differ: number; of: number; dom: RawValue | undefined; seen: RawValue | undefined }

/**
 * `text` fields (the default source) whose DOM text is not what a person sees (issue #12 §7, ADR 0033): prices
 * reordered by flex `order`, drawn by ::before, padded with hidden decoy digits. Each field is read both ways in one
 * pass over the page as extraction left it; `limit` bounds the items read (a run samples, a preview reads all).
 */
async function visibleDiffs(page: Page, spec: TaskSpec, limit?: number): Promise<FieldDiff[]> {
  if (spec.frame) return [];
  const args = collectArgsOf(spec);
  const textFields = Object.entries(args.fields).filter(([, f]) => f.source === 'text' && f.selector && !f.fields && !f.labels);
  if (!textFields.length) return [];
  const both: Record<string, CollectField> = {};
  for (const [name, f] of textFields) {
    both[`t_${name}`] = f;
    both[`v_${name}`] = { ...f, source: 'visible' };
  }
  const out = await evaluateFunction(page, collectInPage, { ...args, fields: both, nextSelector: undefined, ...(limit ? { limit } : {}) });
  const diffs: FieldDiff[] = [];
  for (const [name] of textFields) {
    // An element a person sees none of (scrolled out of a box, a virtualised row's placeholder, clipped whole) is
    // content out of view, not a decoy: a decoy shows as other characters in text that is partly seen.
    const differ = out.items.filter((it) => {
      const seen = squash(it[`v_${name}`]);
      return seen !== '' && squash(it[`t_${name}`]) !== seen;
    });
    const first = differ[0];
    if (first) diffs.push({ field: name, differ: differ.length, of: out.items.length, dom: first[`t_${name}`], seen: first[`v_${name}`] });
  }
  return diffs;
}

/** Preview warnings, one sentence per field, over every item. */
export async function visibleTextWarnings(page: Page, spec: TaskSpec): Promise<string[]> {
  return (await visibleDiffs(page, spec)).map((d) => `${d.field}: the text a person sees differs from the page's DOM text in ${d.differ} of ${d.of} items `
    + `(e.g. DOM ${JSON.stringify(d.dom)}, seen ${JSON.stringify(d.seen)}); "source": "visible" reads what is seen`);
}

/** Items a run's listing page checks: a bounded sample, so the check costs little on long pages. */
export const RUN_SAMPLE = 3;

/** A run's per-page report (VISIBLE_TEXT_DIFFERS): fields that differ on the page's first items, one example each. */
export async function visibleDiffersOf(page: Page, spec: TaskSpec): Promise<VisibleDiffers[]> {
  return (await visibleDiffs(page, spec, RUN_SAMPLE)).slice(0, 50).map((d) => ({ field: d.field.slice(0, 300), dom: shown(d.dom), seen: shown(d.seen) }));
}
