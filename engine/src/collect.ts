/**
 * Runs inside the page (passed to page.evaluate), so it must be self-contained: no imports, no closures over module
 * scope. It resolves selectors (CSS piercing open shadow roots, XPath, and Playwright's text=, role= and :has-text
 * forms: one evaluate per page instead of a round trip per locator, see ADR 0005) and gathers raw strings; cleaning
 * happens in process.ts, which runs wherever the engine is used.
 */
import type { labelPairsInPage } from './label-pairs.ts';

export interface CollectField {
  selector?: string;
  source: 'text' | 'textContent' | 'html' | 'outerHtml' | 'attr' | 'visible';
  attr?: string;
  all: boolean;
  fields?: Record<string, CollectField>;
  /** Gather the label/value pairs of the scope instead ([label, value] lists); the label is matched outside the page. */
  labels?: boolean;
}

export interface CollectArgs {
  itemSelector: string;
  itemExclude?: string;
  fields: Record<string, CollectField>;
  nextSelector?: string;
  /** Read only the first N visible items (the run's sampled visible-text check, #12 §7). */
  limit?: number;
}

/**
 * Defined beside the collector by inPageSource (visible-text.ts, label-pairs.ts) to keep this function readable;
 * absent in other wrappers, which read neither `visible` nor labels.
 */
declare const __trawlVisibleText: ((el: Element) => string) | undefined;
declare const __trawlLabelPairs: typeof labelPairsInPage | undefined;

export type RawValue = string | null | RawValue[] | { [key: string]: RawValue };

export interface CollectOutput {
  /** One entry per item element; each field is a raw string, a list, a nested object, or null when nothing matched. */
  items: Array<Record<string, RawValue>>;
  /** Elements matched by the item selector before visibility filtering and exclusion. */
  matched: number;
  nextHref: string | null;
  baseUrl: string;
  pageUrl: string;
}

export function collectInPage(args: CollectArgs): CollectOutput {
  const hasShadow = Array.from(document.querySelectorAll('*')).some((el) => el.shadowRoot !== null);
  type Root = Document | Element | ShadowRoot;
  const rootsOf = (root: Root): Root[] => {
    const out: Root[] = [root];
    if (!hasShadow) return out;
    const walk = (r: Root): void => {
      for (const el of Array.from(r.querySelectorAll('*'))) {
        if (el.shadowRoot) {
          out.push(el.shadowRoot);
          walk(el.shadowRoot);
        }
      }
    };
    if (root instanceof Element && root.shadowRoot) {
      out.push(root.shadowRoot);
      walk(root.shadowRoot);
    }
    walk(root);
    return out;
  };
  const css = (root: Root, sel: string): Element[] => rootsOf(root).flatMap((r) => Array.from(r.querySelectorAll(sel)));
  const norm = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
  const textMatcher = (q: string): ((s: string) => boolean) => {
    const quoted = /^(["'])(.*)\1$/.exec(q);
    return quoted ? (s) => norm(s) === norm(quoted[2]) : (s) => norm(s).includes(norm(q));
  };
  const implicitRole = (el: Element): string | null => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'a' || tag === 'area') return el.hasAttribute('href') ? 'link' : null;
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'input') {
      const t = (el as HTMLInputElement).type;
      if (t === 'checkbox' || t === 'radio') return t;
      return ['button', 'submit', 'reset', 'image'].includes(t) ? 'button' : 'textbox';
    }
    const map: Record<string, string> = { button: 'button', li: 'listitem', ul: 'list', ol: 'list', img: 'img', nav: 'navigation',
      select: 'combobox', textarea: 'textbox', table: 'table', tr: 'row', td: 'cell', th: 'columnheader', article: 'article', main: 'main', dialog: 'dialog' };
    return map[tag] ?? null;
  };
  const accessibleName = (el: Element): string => {
    const label = el.getAttribute('aria-label');
    if (label) return label;
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    return el.getAttribute('alt') ?? el.getAttribute('title') ?? el.textContent ?? '';
  };
  /** Playwright treats a leading "/" inside an element as relative to it; so do we. */
  const xpath = (root: Root, expr: string): Node[] => {
    const e = expr.startsWith('/') && !(root instanceof Document) ? `.${expr}` : expr;
    const snap = document.evaluate(e, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    return Array.from({ length: snap.snapshotLength }, (_, i) => snap.snapshotItem(i)).filter((n): n is Node => n !== null);
  };
  const queryAll = (root: Root, sel: string): Node[] => {
    if (sel.startsWith('xpath=')) return xpath(root, sel.slice(6));
    if (sel.startsWith('//') || sel.startsWith('./') || sel.startsWith('(')) return xpath(root, sel);
    if (sel.startsWith('css=')) return css(root, sel.slice(4));
    if (sel.startsWith('text=')) {
      const match = textMatcher(sel.slice(5));
      const hits = css(root, '*').filter((el) => match(el.textContent ?? '') && !['SCRIPT', 'STYLE'].includes(el.tagName));
      // The innermost elements only: an ancestor containing the text is not the match.
      return hits.filter((el) => !Array.from(el.children).some((c) => hits.includes(c)));
    }
    const role = /^role=([a-z]+)(?:\[name=(["'])(.*)\2( i)?\])?$/.exec(sel);
    if (role) {
      const name = role[3];
      return css(root, '*').filter((el) => (el.getAttribute('role') ?? implicitRole(el)) === role[1]
        && (name === undefined || norm(accessibleName(el)).includes(norm(name))));
    }
    const hasText = /^(.*):has-text\((["'])(.*)\2\)$/.exec(sel);
    if (hasText) return css(root, hasText[1] || '*').filter((el) => norm(el.textContent).includes(norm(hasText[3])));
    return css(root, sel);
  };
  const isVisible = (el: Element): boolean => {
    if (el.closest('template')) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    if ((el as HTMLElement).hidden || el.closest('[hidden],[aria-hidden="true"]')) return false;
    return el.getClientRects().length > 0;
  };
  const read = (node: Node, f: CollectField): string | null => {
    if (!(node instanceof Element)) return node.nodeValue; // XPath text() and @attr results
    if (f.source === 'html') return node.innerHTML;
    if (f.source === 'outerHtml') return node.outerHTML;
    if (f.source === 'attr') return node.getAttribute(f.attr ?? '');
    if (f.source === 'textContent') return node.textContent;
    if (f.source === 'visible' && typeof __trawlVisibleText === 'function') return __trawlVisibleText(node);
    // innerText respects rendering (hidden text, <br>); textContent is the fallback for detached nodes.
    const text = (node as HTMLElement).innerText;
    return typeof text === 'string' ? text : node.textContent;
  };
  const pairCache = new Map<Node, Map<string, RawValue[]>>();
  const labelPairs = (scope: Element, f: CollectField): RawValue[] => (typeof __trawlLabelPairs === 'function'
    ? __trawlLabelPairs(scope, { all: (el) => css(el, '*'), isVisible, read: (n) => read(n, f), textOnly: f.source !== 'attr' })
    : []);
  const readFields = (scope: Root, fields: Record<string, CollectField>): Record<string, RawValue> => {
    const out: Record<string, RawValue> = {};
    for (const [name, f] of Object.entries(fields)) {
      if (f.labels) {
        // Several label fields of one item share its pairs.
        const scopes = (f.selector ? queryAll(scope, f.selector) : [scope as Node]).filter((n): n is Element => n instanceof Element);
        out[name] = scopes.flatMap((n) => {
          const key = `${f.source} ${f.attr ?? ''}`;
          const byScope = pairCache.get(n) ?? new Map<string, RawValue[]>();
          pairCache.set(n, byScope);
          if (!byScope.has(key)) byScope.set(key, labelPairs(n, f));
          return byScope.get(key)!;
        });
        continue;
      }
      const matches = f.selector ? queryAll(scope, f.selector) : [scope as Node];
      const targets = f.all ? matches : matches.slice(0, 1);
      const values: RawValue[] = f.fields
        ? targets.filter((t): t is Element => t instanceof Element).map((t) => readFields(t, f.fields!))
        : targets.map((t) => read(t, f)).filter((v): v is string => v !== null);
      out[name] = f.all ? values : (values[0] ?? null);
    }
    return out;
  };
  const all = queryAll(document, args.itemSelector).filter((n): n is Element => n instanceof Element);
  const excluded = args.itemExclude ? new Set(queryAll(document, args.itemExclude)) : null;
  const kept = all.filter((el) => isVisible(el) && !excluded?.has(el));
  const items = (args.limit ? kept.slice(0, args.limit) : kept).map((el) => readFields(el, args.fields));
  let nextHref: string | null = null;
  if (args.nextSelector) {
    const a = queryAll(document, args.nextSelector)[0];
    const href = a instanceof Element ? a.getAttribute('href') : null;
    if (href) nextHref = new URL(href, document.baseURI).href;
  }
  return { items, matched: all.length, nextHref, baseUrl: document.baseURI, pageUrl: location.href };
}
