import { collectArgsOf, inPageSource } from '@trawl/engine';
import type { TaskSpec } from '@trawl/schemas';

/** What the fast path reads a fetched page through: DomPage (happy-dom) or LightPage (linkedom, ADR 0068). */
export interface ReadablePage {
  /** Read on the light tier (linkedom) rather than happy-dom: said in the page's `items.extracted` event. */
  readonly light: boolean;
  /** Runs one of the engine's self-contained in-page functions with the page as `document`. */
  evaluate<A, R>(fn: (arg: A) => R, arg: A): R;
  /** Declarative shadow roots (`<template shadowrootmode>`), whose content only a browser attaches. */
  hasShadowTemplates(): boolean;
  /** Scripts that run in a browser (inline or external; JSON and other data blocks do not). */
  runsScripts(): boolean;
  close(): void;
}

/** The page globals the engine's in-page functions use (collect.ts, label-pairs.ts, page-signals.ts, table-rows.ts). */
export const PAGE_GLOBALS = ['document', 'window', 'location', 'getComputedStyle', 'Node', 'Element', 'HTMLElement', 'HTMLInputElement',
  'Document', 'ShadowRoot', 'XPathResult'] as const;
export type PageGlobal = (typeof PAGE_GLOBALS)[number];

/**
 * Runs one of the engine's self-contained in-page functions (the same source text the browser gets, inPageSource) with
 * `globalOf` answering each page global. The source is built from our own functions and a JSON argument: no page
 * content is evaluated.
 */
export function runInPage<A, R>(globalOf: (g: PageGlobal) => unknown, fn: (arg: A) => R, arg: A): R {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...PAGE_GLOBALS, `return ${inPageSource(fn, arg)};`)(...PAGE_GLOBALS.map(globalOf)) as R;
}

/** Whether any of a document's scripts would run in a browser (inline or external; JSON and other data blocks do not). */
export function scriptsRunIn(document: Pick<Document, 'querySelectorAll'>): boolean {
  return Array.from(document.querySelectorAll('script')).some((s) => {
    const type = (s.getAttribute('type') ?? '').trim().toLowerCase();
    return type === '' || type === 'module' || type.includes('javascript') || type.includes('ecmascript');
  });
}

/**
 * A fetched page as the fast path reads it: the light tier when the page and the spec allow it (light-page.ts),
 * else happy-dom. Each is loaded with the first page that needs it (ADR 0065): a node doing browser work never loads either.
 */
export async function openPage(html: string, url: string, spec: Pick<TaskSpec, 'itemSelector' | 'itemExclude' | 'fields' | 'pagination' | 'wait'>,
  light = true): Promise<ReadablePage> {
  if (light) {
    const tier = await import('./light-page.ts');
    const page = tier.lightEligible(html, [collectArgsOf(spec)], spec.wait.selector) ? tier.LightPage.open(html, url) : null;
    if (page) return page;
  }
  return new (await import('./dom-page.ts')).DomPage(html, url);
}
