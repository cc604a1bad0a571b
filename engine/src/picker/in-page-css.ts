/**
 * Selector building blocks the picker's in-page functions share (ADR 0043). Each function here is self-contained:
 * it runs in the page, where it is sent as source text in the `PickerHelpers` bag (in-page-pick.ts), so it may use
 * only its arguments, the DOM and the helpers it is handed.
 */
export interface PickerHelpers {
  unstable: RegExp;
  esc: (s: string) => string;
  /** Class tokens that are not generated or utility classes. */
  stableClasses: (el: Element, unstable: RegExp) => string[];
  /** `tag.class[attr="v"]` from what is stable about the element (no position). */
  cssPart: (el: Element, unstable: RegExp) => string;
  /** A CSS path from `root` (exclusive) to `el`, as short as stays unique within `root`. */
  relativeCss: (el: Element, root: Element | Document, unstable: RegExp) => string;
  /** An XPath from `root` to `el` with positions (`./div[2]/span[1]`). */
  relativeXpath: (el: Element, root: Element | Document) => string;
  textOf: (el: Element) => string;
  rectOf: (el: Element) => { x: number; y: number; width: number; height: number };
  shown: (el: Element) => boolean;
}

export function esc(s: string): string {
  return typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(s) : s.replace(/[^\w-]/g, (c) => `\\${c}`);
}

export function stableClasses(el: Element, unstable: RegExp): string[] {
  return Array.from(el.classList).filter((c) => !unstable.test(c) && /^[A-Za-z_][\w-]*$/.test(c));
}

export function cssPart(el: Element, unstable: RegExp): string {
  const tag = el.tagName.toLowerCase();
  const q = (v: string): string => JSON.stringify(v);
  for (const a of ['itemprop', 'data-testid', 'data-test', 'data-qa', 'name', 'role']) {
    const v = el.getAttribute(a);
    if (v && v.length < 60 && !unstable.test(v)) return `${tag}[${a}=${q(v)}]`;
  }
  const classes = Array.from(el.classList).filter((c) => !unstable.test(c) && /^[A-Za-z_][\w-]*$/.test(c));
  return tag + classes.slice(0, 2).map((c) => `.${c}`).join('');
}

export function relativeCss(el: Element, root: Element | Document, unstable: RegExp): string {
  const part = (e: Element): string => {
    const tag = e.tagName.toLowerCase();
    for (const a of ['itemprop', 'data-testid', 'data-test', 'data-qa', 'name', 'role']) {
      const v = e.getAttribute(a);
      if (v && v.length < 60 && !unstable.test(v)) return `${tag}[${a}=${JSON.stringify(v)}]`;
    }
    return tag + Array.from(e.classList).filter((c) => !unstable.test(c) && /^[A-Za-z_][\w-]*$/.test(c)).slice(0, 2).map((c) => `.${c}`).join('');
  };
  const unique = (sel: string): boolean => {
    try {
      const all = root.querySelectorAll(sel);
      return all.length === 1 && all[0] === el;
    } catch {
      return false;
    }
  };
  const chain: Element[] = [];
  for (let e: Element | null = el; e && e !== root; e = e.parentElement) chain.unshift(e);
  // Shortest suffix of the path (descendant, then child steps) that finds only this element.
  for (let from = chain.length - 1; from >= 0; from--) {
    const sel = chain.slice(from).map(part).join(' > ');
    if (unique(sel) || unique(`:scope > ${sel}`)) return unique(sel) ? sel : `:scope > ${sel}`;
    const loose = from === chain.length - 1 ? sel : `${part(chain[from]!)} ${chain.slice(from + 1).map(part).join(' > ')}`;
    if (unique(loose)) return loose;
  }
  // Positions as a last resort (scored less stable).
  return chain.map((e) => {
    const same = Array.from(e.parentElement?.children ?? []).filter((s) => s.tagName === e.tagName);
    return same.length > 1 ? `${part(e)}:nth-of-type(${same.indexOf(e) + 1})` : part(e);
  }).join(' > ');
}

export function relativeXpath(el: Element, root: Element | Document): string {
  const steps: string[] = [];
  for (let e: Element | null = el; e && e !== root; e = e.parentElement) {
    const tag = e.tagName.toLowerCase();
    const same = Array.from(e.parentElement?.children ?? []).filter((s) => s.tagName === e.tagName);
    steps.unshift(same.length > 1 ? `${tag}[${same.indexOf(e) + 1}]` : tag);
  }
  return root instanceof Document ? `//${steps.join('/')}` : `./${steps.join('/')}`;
}

export function textOf(el: Element): string {
  return ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function rectOf(el: Element): { x: number; y: number; width: number; height: number } {
  const r = el.getBoundingClientRect();
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
}

export function shown(el: Element): boolean {
  if (el.closest('[hidden], [aria-hidden="true"], template')) return false;
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}
