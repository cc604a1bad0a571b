import type { Page } from 'playwright-core';
import { inPageSource } from '@trawl/engine';

/** Runs a self-contained function in the page (see inPageSource for why it goes as source text). */
export async function evaluateFunction<A, R>(page: Page, fn: (arg: A) => R, arg: A): Promise<R> {
  return (await page.evaluate(inPageSource(fn, arg))) as R;
}
