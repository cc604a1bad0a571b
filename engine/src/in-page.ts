import { labelPairsInPage } from './label-pairs.ts';
import { visibleTextInPage } from './visible-text.ts';

/**
 * The source text that runs a self-contained function in a page with its argument. tsx and esbuild with keepNames
 * (wrangler's default too) rewrite inner `const f = () => ...` to `__name(() => ..., "f")`, and a page has no
 * `__name`; sending the source with a local no-op `__name` works whatever the transpiler did. Used by every caller
 * of the engine that evaluates in a page (the fleet over Playwright, the edge's preview over CDP).
 */
export function inPageSource<A>(fn: (arg: A) => unknown, arg: A): string {
  // The `visible` reader and the label pairs go along as helpers the collector calls by name (keeping collect.ts readable).
  return `(() => { const __name = (f) => f; const __trawlVisibleText = ${visibleTextInPage.toString()};
    const __trawlLabelPairs = ${labelPairsInPage.toString()}; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}
