import type { Page } from 'playwright-core';

/**
 * Runs a self-contained function in the page. tsx and esbuild with keepNames (also wrangler's
 * default) rewrite `const f = () => ...` inside functions to `__name(() => ..., "f")`, and the
 * page has no `__name`; passing the function to page.evaluate then fails with a ReferenceError.
 * Sending the source with a local no-op `__name` works whatever the transpiler did.
 */
export async function evaluateFunction<A, R>(page: Page, fn: (arg: A) => R, arg: A): Promise<R> {
  const source = `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
  return (await page.evaluate(source)) as R;
}
