import { parseHTML } from 'linkedom';
// happy-dom's own table of each tag's default display: the light page answers `display` exactly as DomPage would.
import ELEMENT_DEFAULTS from 'happy-dom/lib/css/declaration/computed-style/config/CSSComputedStyleElementDefault.js';
import type { CollectArgs, CollectField } from '@trawl/engine';
import { runInPage, scriptsRunIn, type PageGlobal, type ReadablePage } from './readable-page.ts';

/**
 * The fast path's light tier (ADR 0068): a page with no CSS of its own and nothing but plain markup is read on
 * linkedom (htmlparser2 underneath), ~4× cheaper than happy-dom to parse and query, with the few things the engine
 * asks of a rendered page answered as happy-dom answers them on such a page: with no stylesheet and no style
 * attribute, an element's computed style is its tag's default display and nothing else, so `display`,
 * `getClientRects` (drawn unless it or an ancestor is display:none) and happy-dom's `innerText` walk follow from
 * that one table. Anything that could make the two differ sends the page to DomPage (`lightEligible`), and what
 * remains is what the per-site comparison with the browser checks anyway (render-choice.ts).
 */

/**
 * Markup the light tier leaves to happy-dom: CSS of the page's own (a <style> or a style attribute can hide or
 * transform text), foreign content (svg, math), elements whose content or parsing differs between a spec HTML parser
 * and htmlparser2 (template, tables' implied sections, noscript, select/textarea, frames), dialog (its display
 * depends on `open`) and <base> (happy-dom resolves it; kept out rather than reimplemented).
 */
const HEAVY_MARKUP = /<(?:style|svg|math|template|table|thead|tbody|tr|td|th|select|option|textarea|noscript|iframe|frame|frameset|object|embed|dialog|slot|base)[\s/>]|\sstyle\s*=/i;
/** CSS a light page answers the same as a spec engine; any other pseudo-class (`:has`, `:scope`, `:checked`…) goes to happy-dom. */
const PLAIN_SELECTOR = /^(?:[^:]|:(?:not|nth-child|nth-last-child|nth-of-type|nth-last-of-type|first-child|last-child|first-of-type|last-of-type|only-child|only-of-type)\b)*$/;

const plain = (selector: string | undefined): boolean => selector === undefined || (PLAIN_SELECTOR.test(selector)
  && !/^(?:xpath=|css=|text=|role=|\/\/|\.\/|\()/.test(selector) && !selector.includes(':has-text('));

function plainField(f: CollectField): boolean {
  return f.source !== 'visible' && !f.labels && plain(f.selector) && Object.values(f.fields ?? {}).every(plainField);
}

/** Whether a fetched page and what is read from it stay within what the light tier answers exactly as DomPage. */
export function lightEligible(html: string, reads: ReadonlyArray<CollectArgs>, waitSelector?: string): boolean {
  if (HEAVY_MARKUP.test(html) || !plain(waitSelector)) return false;
  return reads.every((a) => plain(a.itemSelector) && plain(a.itemExclude) && plain(a.nextSelector) && Object.values(a.fields).every(plainField));
}

type Defaults = Record<string, string | Record<string, string>>;
const DEFAULTS = ELEMENT_DEFAULTS as unknown as Defaults;
/** The last `display` a CSS text of the table declares ('' when none). */
const displayIn = (css: string): string => /display:\s*([\w-]+)/.exec(css.split(';').filter((d) => d.includes('display')).at(-1) ?? '')?.[1] ?? '';
/** Tags whose default display does not depend on the element's state: read once. */
const FIXED = new Map(Object.entries(DEFAULTS).flatMap(([tag, css]) => (typeof css === 'string' ? [[tag, displayIn(css)] as const] : [])));

/** happy-dom's computed display of an element on a page without CSS: its tag's default ('' when the table sets none). */
function displayOf(el: Element): string {
  const fixed = FIXED.get(el.tagName);
  if (fixed !== undefined) return fixed;
  const entry = DEFAULTS[el.tagName];
  if (!entry || typeof entry === 'string') return '';
  // A default that depends on a property (a dialog's `open`): the keys that apply, in the table's order.
  return displayIn(Object.keys(entry).filter((k) => k === 'default' || Boolean((el as unknown as Record<string, unknown>)[k])).map((k) => entry[k]).join(''));
}

/** happy-dom 21's innerText (HTMLElement.innerText) over `displayOf`: the same text, newlines and skips. */
function innerTextOf(el: Element): string {
  if (!el.isConnected) return el.textContent ?? '';
  let out = '';
  for (const child of Array.from(el.childNodes)) {
    if (child.nodeType === 1) {
      const c = child as Element;
      if (c.tagName === 'SCRIPT' || c.tagName === 'STYLE' || c.tagName.toLowerCase() === 'svg') continue;
      const display = displayOf(c);
      if (display === 'none') continue;
      const text = innerTextOf(c);
      if ((display === 'block' || display === 'flex') && out && text) out += '\n';
      out += text;
    } else if (child.nodeType === 3) {
      out += (child.textContent ?? '').replace(/[\n\r]/, '');
    }
  }
  return out;
}

let patched = false;
/** linkedom's classes are shared by every document it parses: patched once, for this process's light pages only. */
function patchClasses(window: ReturnType<typeof parseHTML>): void {
  if (patched) return;
  patched = true;
  const drawn = (el: Element | null): boolean => !el || (displayOf(el) !== 'none' && drawn(el.parentElement));
  Object.defineProperty(window.Element.prototype, 'getClientRects', {
    configurable: true, value(this: Element) { return drawn(this) ? [{ x: 0, y: 0, width: 1, height: 1 }] : []; },
  });
  Object.defineProperty(window.HTMLElement.prototype, 'innerText', { configurable: true, get(this: Element) { return innerTextOf(this); } });
}

/** A computed style on a page without CSS: the tag's display; every other property unset, as happy-dom answers. */
function computedStyle(el: Element): CSSStyleDeclaration {
  const display = displayOf(el);
  return new Proxy({ display, getPropertyValue: (p: string) => (p === 'display' ? display : '') }, {
    get: (target, prop) => (prop in target ? target[prop as keyof typeof target] : ''),
  }) as unknown as CSSStyleDeclaration;
}

/**
 * Attribute names as written: htmlparser2 under linkedom keeps `CLASS=` and `HIDDEN` in capitals where an HTML parser
 * lowers them (then `div.row` and `[hidden]` would not match): such a page is left to happy-dom.
 */
function namesLowerCase(document: Document): boolean {
  for (const el of Array.from(document.querySelectorAll('*'))) {
    for (const name of el.getAttributeNames()) if (name !== name.toLowerCase()) return false;
  }
  return true;
}

export class LightPage implements ReadablePage {
  readonly light = true;
  readonly #globalOf: (g: PageGlobal) => unknown;
  readonly #document: Document;

  /** The page on linkedom, or null when what the parser built could differ from an HTML parser's (then DomPage reads it). */
  static open(html: string, url: string): LightPage | null {
    const page = new LightPage(html, url);
    return namesLowerCase(page.#document) ? page : null;
  }

  private constructor(html: string, url: string) {
    const window = parseHTML(html);
    patchClasses(window);
    const document = window.document as unknown as Document;
    this.#document = document;
    // No <base> on a light page (lightEligible): the base is the page's own URL, as happy-dom has it.
    Object.defineProperty(document, 'baseURI', { value: url });
    Object.defineProperty(document, 'elementFromPoint', { value: () => null });
    // happy-dom's title: the first <title>'s own text nodes, trimmed (linkedom returns them untrimmed).
    const title = Array.from(document.querySelector('title')?.childNodes ?? []).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    Object.defineProperty(document, 'title', { value: title });
    const location = { href: url };
    const win = { document, location, innerWidth: 1280, innerHeight: 720, scrollX: 0, scrollY: 0, getComputedStyle: computedStyle };
    const classes = window as unknown as Record<string, unknown>;
    this.#globalOf = (g) => {
      if (g === 'document') return document;
      if (g === 'window') return win;
      if (g === 'location') return location;
      if (g === 'getComputedStyle') return computedStyle;
      return classes[g];
    };
  }

  evaluate<A, R>(fn: (arg: A) => R, arg: A): R {
    return runInPage(this.#globalOf, fn, arg);
  }

  hasShadowTemplates(): boolean {
    return false; // no <template> on a light page
  }

  runsScripts(): boolean {
    return scriptsRunIn(this.#document);
  }

  close(): void {
    // Garbage once the task drops it.
  }
}
