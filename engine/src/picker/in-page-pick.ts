import { cssPart, esc, rectOf, relativeCss, relativeXpath, shown, stableClasses, textOf, type PickerHelpers } from './in-page-css.ts';
import { fieldInPage } from './in-page-fields.ts';
import { itemsInPage } from './in-page-items.ts';
import { UNSTABLE_CLASS } from './stability.ts';
import type { FieldCandidate, PickArg, PickResult } from './types.ts';

type Parts = Omit<PickerHelpers, 'unstable'> & { items: typeof itemsInPage; field: typeof fieldInPage };

/**
 * A pick at a point of the viewport (ADR 0043): a field or detail link generalises to its repeating item; a
 * pagination, load-more or tab control gets page-level selector candidates (its text, its role and name, CSS,
 * XPath). With `scope: 'page'` (a detail page) a field's item is the document. `hover` is the same without the
 * candidates: what the outline would show. Runs in the page.
 */
export function pickInPage(arg: PickArg & { hover?: boolean }, parts: Parts): PickResult | null {
  const h: PickerHelpers = { ...parts, unstable: new RegExp(arg.unstable) };
  const at = document.elementFromPoint(arg.x, arg.y);
  if (!at || at === document.documentElement || at === document.body) return null;
  if (arg.kind === 'field' && arg.scope === 'page') {
    // A detail page is a one-item page (detailTaskSpecOf): the document is the item, selectors are relative to it.
    const root = document.documentElement;
    const guess = { itemSelector: ':root', itemExclude: null, count: 1, excluded: [] };
    if (arg.hover) return { kind: arg.kind, item: guess, name: '', value: null, candidates: [], rect: h.rectOf(at), items: [] };
    const f = parts.field(at, root, arg.kind, h);
    return { kind: arg.kind, item: guess, name: f.name, value: f.value, candidates: f.candidates, rect: h.rectOf(at), items: [] };
  }
  if (arg.kind === 'field' || arg.kind === 'detail') {
    const found = parts.items(at, h);
    const target = arg.kind === 'detail' ? (at.closest('a[href]') ?? at) : at;
    const items = found ? found.kept.map(h.rectOf) : [];
    if (arg.hover || !found) return { kind: arg.kind, item: found?.guess ?? null, name: '', value: null, candidates: [], rect: h.rectOf(target), items };
    const f = parts.field(at, found.item, arg.kind, h);
    return { kind: arg.kind, item: found.guess, name: f.name, value: f.value, candidates: f.candidates, rect: h.rectOf(target), items };
  }
  const control = at.closest('a[href], button, [role=button], [role=tab], [role=link], input[type=submit], summary') ?? at;
  const text = h.textOf(control);
  if (arg.hover) return { kind: arg.kind, item: null, name: arg.kind, value: text, candidates: [], rect: h.rectOf(control), items: [] };
  const candidates: FieldCandidate[] = [];
  const add = (kind: FieldCandidate['kind'], selector: string): void => {
    if (!candidates.some((c) => c.field.selector === selector)) candidates.push({ kind, field: { selector, source: 'text' }, sample: text });
  };
  if (arg.kind === 'tab') {
    // Every tab: the control's own part, narrowed by its parent's, as long as it matches its sibling tabs.
    const own = h.cssPart(control, h.unstable);
    const parent = control.parentElement ? h.cssPart(control.parentElement, h.unstable) : '';
    for (const sel of [`${parent} > ${own}`, own]) if (document.querySelectorAll(sel).length >= 2) add('css', sel);
    if (control.getAttribute('role') === 'tab') add('role', 'role=tab');
  } else {
    const role = control.getAttribute('role') ?? (control.tagName === 'A' ? 'link' : 'button');
    if (text && text.length <= 60) {
      add('role', `role=${role}[name=${JSON.stringify(text)}]`);
      add('css', `text=${JSON.stringify(text)}`);
    }
    add('css', h.relativeCss(control, document, h.unstable));
    add('xpath', h.relativeXpath(control, document));
  }
  return { kind: arg.kind, item: null, name: arg.kind, value: arg.kind === 'next' ? control.getAttribute('href') : text, candidates, rect: h.rectOf(control), items: [] };
}

/** The page source that runs `pickInPage` with its helpers (each sent as its own source text). */
export function pickerSource(arg: Omit<PickArg, 'unstable'> & { hover?: boolean }): string {
  const fns: Record<keyof Parts, { toString(): string }> = { esc, stableClasses, cssPart, relativeCss, relativeXpath, textOf, rectOf, shown, items: itemsInPage, field: fieldInPage };
  const bag = Object.entries(fns).map(([k, f]) => `${k}: (${f.toString()})`).join(',\n');
  const full = { ...arg, unstable: UNSTABLE_CLASS.source };
  return `(() => { const __name = (f) => f; return (${pickInPage.toString()})(${JSON.stringify(full)}, {${bag}}); })()`;
}
