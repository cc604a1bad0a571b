import type { Frame, Page } from 'playwright-core';
import { inPageSource } from '@trawl/engine';

/** Runs a self-contained function in the page or a frame (see inPageSource for why it goes as source text). */
export async function evaluateFunction<A, R>(target: Page | Frame, fn: (arg: A) => R, arg: A): Promise<R> {
  return (await target.evaluate(inPageSource(fn, arg))) as R;
}
