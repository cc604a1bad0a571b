import { Window } from 'happy-dom';
import { runInPage, scriptsRunIn, type ReadablePage } from './readable-page.ts';

/**
 * happy-dom may load nothing by itself: every byte a task fetches goes through its egress lane (http-fetch.ts). Scripts,
 * stylesheets, images, frames and navigations are off, and any fetch its DOM would still make is answered by this
 * interceptor with an empty 204, never sent.
 */
const SETTINGS = {
  enableJavaScriptEvaluation: false, disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true,
  enableImageFileLoading: false, disableIframePageLoading: true, handleDisabledFileLoadingAsSuccess: true,
  navigation: { disableMainFrameNavigation: true, disableChildFrameNavigation: true, disableChildPageNavigation: true, disableFallbackToSetURL: true },
  fetch: { interceptor: { beforeAsyncRequest: async () => new Response(null, { status: 204 }), beforeSyncRequest: () => ({ status: 204, statusText: 'No Content', ok: true, url: '', redirected: false, headers: new Headers(), body: null }) } },
};

/** A document without layout: an element is drawn unless it or an ancestor is display:none (what collect.ts asks of getClientRects). */
function patchLayout(win: Window): void {
  const proto = win.Element.prototype as unknown as { getClientRects: () => unknown[]; __trawlPatched?: boolean };
  if (proto.__trawlPatched) return;
  proto.__trawlPatched = true;
  // The DOM never changes after parsing (no scripts run), so each element's answer is computed once: items share ancestors.
  const known = new WeakMap<Element, boolean>();
  const drawn = (el: Element | null): boolean => {
    if (!el) return true;
    const hit = known.get(el);
    if (hit !== undefined) return hit;
    const view = el.ownerDocument.defaultView;
    const out = !view || (view.getComputedStyle(el).display !== 'none' && drawn(el.parentElement));
    known.set(el, out);
    return out;
  };
  proto.getClientRects = function getClientRects(this: Element): unknown[] {
    return drawn(this) ? [{ x: 0, y: 0, width: 1, height: 1 }] : [];
  };
}

/**
 * One window for every page this process reads (ADR 0063): a window per page cost a VM context and its classes (~2 ms)
 * and ~2 ms more to close (a destroy walk over every node). Pages are parsed into documents of their own (DOMParser),
 * which the garbage collector takes with the task; the window holds no page state but its location, set per use.
 */
let shared: Window | null = null;
function sharedWindow(): Window {
  if (!shared) {
    shared = new Window({ url: 'about:blank', width: 1280, height: 720, settings: SETTINGS as never });
    patchLayout(shared);
  }
  return shared;
}

/**
 * A fetched page as a server-side DOM (happy-dom: DOM, CSS cascade for display/visibility, innerText and XPath;
 * ADR 0049 says why this one). `evaluate` runs the engine's self-contained in-page functions exactly as the browser
 * does (the same source text from inPageSource), with the window's globals in scope and this page as `document`.
 */
export class DomPage implements ReadablePage {
  readonly light = false;
  readonly #window: Window;
  readonly #document: Document;
  readonly #url: string;

  constructor(html: string, url: string) {
    this.#window = sharedWindow();
    this.#url = url;
    this.#here();
    this.#document = new this.#window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
  }

  /** The shared window's location is this page's while its code runs (each use is synchronous). */
  #here(): void {
    this.#window.happyDOM.setURL(this.#url);
  }

  evaluate<A, R>(fn: (arg: A) => R, arg: A): R {
    this.#here();
    const w = this.#window as unknown as Record<string, unknown>;
    return runInPage((g) => {
      if (g === 'window') return w;
      if (g === 'document') return this.#document;
      const v = w[g];
      return typeof v === 'function' && g === 'getComputedStyle' ? (v as (...a: unknown[]) => unknown).bind(w) : v;
    }, fn, arg);
  }

  hasShadowTemplates(): boolean {
    return this.#document.querySelector('template[shadowrootmode], template[shadowroot]') !== null;
  }

  runsScripts(): boolean {
    return scriptsRunIn(this.#document);
  }

  close(): void {
    // Nothing to tear down: the document is garbage once the task drops it; the window stays for the next page.
  }
}
