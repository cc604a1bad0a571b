import { collectArgsOf, collectInPage } from '@trawl/engine';
import type { RenderReason, TaskSpec } from '@trawl/schemas';
import { collectSignals } from '../rules/page-signals.ts';
import { classifyPage, type SoftFailure } from '../rules/soft-failure.ts';
import type { ReadablePage } from './readable-page.ts';

/**
 * Whether a page read without a browser may stand for what a browser would show, decided on the fetched HTML:
 * declarative shadow roots (only a browser attaches them), a `wait.selector` absent from the HTML (scripts make it),
 * or no items on a page that runs scripts (the listing is probably drawn by them). What remains (a page whose items
 * scripts change or add to) is what the per-site comparison catches (edge/src/coordinator/render-choice.ts).
 */
export function pageVerdict(dom: ReadablePage, spec: TaskSpec): (itemsFound: boolean) => RenderReason | null {
  const shadow = dom.hasShadowTemplates();
  const waited = spec.wait.selector ? countOf(dom, spec, spec.wait.selector) > 0 : true;
  return (found) => {
    if (shadow) return 'fallback-shadow-dom';
    if (!waited) return 'fallback-empty';
    if (!found && dom.runsScripts()) return 'fallback-empty';
    return null;
  };
}

/** The browser's soft-failure classifiers (challenge, login wall, consent overlay, soft 404) on the DOM's signals. */
export function softFailureOf(dom: ReadablePage, found: boolean): SoftFailure | null {
  return classifyPage(dom.evaluate(collectSignals, !found), found);
}

function countOf(dom: ReadablePage, spec: TaskSpec, selector: string): number {
  return dom.evaluate(collectInPage, { ...collectArgsOf({ ...spec, itemSelector: selector, itemExclude: undefined }), fields: {}, nextSelector: undefined }).matched;
}
