/**
 * Runs inside the page (passed to page.evaluate), so it must be self-contained: no imports,
 * no closures over module scope. It only gathers raw strings; cleaning happens in process.ts,
 * which runs wherever the engine is used (fleet, edge preview, tests).
 */
export interface CollectArgs {
  itemSelector: string;
  fields: Record<string, { selector?: string; source: 'text' | 'html' | 'attr'; attr?: string; all: boolean }>;
  nextSelector?: string;
}

export interface CollectOutput {
  /** One entry per item element; each field is a raw string, a list of them, or null when nothing matched. */
  items: Array<Record<string, string | string[] | null>>;
  /** Elements matched by the item selector before visibility filtering. */
  matched: number;
  nextHref: string | null;
  baseUrl: string;
}

export function collectInPage(args: CollectArgs): CollectOutput {
  const isVisible = (el: Element): boolean => {
    if (el.closest('template')) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    if ((el as HTMLElement).hidden || el.closest('[hidden],[aria-hidden="true"]')) return false;
    return el.getClientRects().length > 0;
  };
  const read = (el: Element, source: 'text' | 'html' | 'attr', attr?: string): string | null => {
    if (source === 'html') return el.innerHTML;
    if (source === 'attr') return el.getAttribute(attr ?? '');
    // innerText respects rendering (hidden text, <br>); textContent is the fallback for detached nodes.
    const text = (el as HTMLElement).innerText;
    return typeof text === 'string' ? text : el.textContent;
  };
  const all = Array.from(document.querySelectorAll(args.itemSelector));
  const items = all.filter(isVisible).map((itemEl) => {
    const out: Record<string, string | string[] | null> = {};
    for (const [name, f] of Object.entries(args.fields)) {
      const targets = f.selector
        ? (f.all ? Array.from(itemEl.querySelectorAll(f.selector)) : [itemEl.querySelector(f.selector)].filter((e): e is Element => e !== null))
        : [itemEl];
      const values = targets.map((t) => read(t, f.source, f.attr)).filter((v): v is string => v !== null);
      out[name] = f.all ? values : (values[0] ?? null);
    }
    return out;
  });
  let nextHref: string | null = null;
  if (args.nextSelector) {
    const a = document.querySelector(args.nextSelector);
    const href = a?.getAttribute('href');
    if (href) nextHref = new URL(href, document.baseURI).href;
  }
  return { items, matched: all.length, nextHref, baseUrl: document.baseURI };
}
