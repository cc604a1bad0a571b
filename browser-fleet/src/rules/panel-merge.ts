import type { PanelsSpec, TaskSpec, UnparsedValues } from '@trawl/schemas';
import { fillEmpty, isEmptyValue, type Extraction, type Value } from '@trawl/engine';
import { extractOnce, type Target } from './extract.ts';
import type { PageTools } from './tools.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Panels in `merge` mode (ADR 0033): tabs whose panel renders on click and empties when another opens. The page is
 * read as it loaded and again after each click; item i of every reading is the same item, and each reading fills the
 * fields still empty. Required fields are checked once, on the merged record: a field only one tab shows is not
 * "missing" under the others.
 */
export async function mergePanels(target: Target, spec: TaskSpec, p: PanelsSpec, tools: PageTools): Promise<Extraction> {
  const loose: TaskSpec = { ...spec, fields: Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, { ...f, required: false }])) };
  const tabs = target.locator(p.selector);
  const n = await tools.race(tabs.count());
  let out = await extractOnce(target, loose, tools);
  for (let i = 0; i < n; i++) {
    await tools.race(tabs.nth(i).click({ timeout: tools.budget(5000) }));
    if (p.waitFor) await tools.race(target.locator(p.waitFor).first().waitFor({ state: 'visible', timeout: tools.budget(5000) }));
    if (p.settleMs) await tools.race(sleep(p.settleMs));
    const pass = await extractOnce(target, loose, tools);
    const items = Array.from({ length: Math.max(out.items.length, pass.items.length) }, (_, k) => fillEmpty(out.items[k] ?? {}, pass.items[k] ?? {}));
    out = { items, incomplete: [], matched: Math.max(out.matched, pass.matched), nextUrl: pass.nextUrl ?? out.nextUrl, unparsed: sameValuesOnce(out.unparsed, pass.unparsed) };
  }
  const required = Object.entries(spec.fields).filter(([, f]) => f.required).map(([k]) => k);
  const checked: Extraction = { ...out, items: [], incomplete: [] };
  out.items.forEach((item, index) => {
    const missing = required.filter((k) => isEmptyValue(item[k] as Value | undefined));
    if (missing.length) checked.incomplete.push({ index, missing });
    else checked.items.push(item);
  });
  return checked;
}

/** Each reading sees the fields outside the panels again: a value left unread counts once, not once per panel. */
function sameValuesOnce(a: readonly UnparsedValues[], b: readonly UnparsedValues[]): UnparsedValues[] {
  const out = new Map(a.map((r) => [`${r.field}\u0000${r.step}\u0000${r.reason}`, r]));
  for (const r of b) {
    const key = `${r.field}\u0000${r.step}\u0000${r.reason}`;
    const seen = out.get(key);
    if (!seen || seen.count < r.count) out.set(key, seen ? { ...seen, count: r.count } : r);
  }
  return [...out.values()];
}
