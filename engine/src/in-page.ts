/**
 * The source text that runs a self-contained function in a page with its argument. tsx and esbuild with keepNames
 * (wrangler's default too) rewrite inner `const f = () => ...` to `__name(() => ..., "f")`, and a page has no
 * `__name`; sending the source with a local no-op `__name` works whatever the transpiler did. Used by every caller
 * of the engine that evaluates in a page (the fleet over Playwright, the edge's preview over CDP).
 */
export function inPageSource<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}
