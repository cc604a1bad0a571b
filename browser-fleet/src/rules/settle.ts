import { errors } from 'playwright-core';
import type { Target } from './extract.ts';
import type { NetworkTracker } from './network.ts';
import type { PageTools } from './tools.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How often the page is looked at while waiting for it to settle. */
const POLL_MS = 100;
/** How long a changed page must then hold still (no request, no change) before the next step: rows render in waves. */
export const STILL_MS = 250;

/** How long a probed state has held: `quiet` also needs no request in flight and no loading marker shown. */
export interface Stillness { quiet: number; same: number }

/**
 * Polls `probe` until `decide` returns a verdict. `same` is how long the probe's value has not changed; `quiet` is
 * the same but also reset by any request in flight (or ending) and by the loading marker being shown, so "the
 * content is all there" means: nothing changed, nothing loading, for that long. Never a fixed delay.
 */
export async function settle<T, R>(
  probe: () => Promise<T>, decide: (state: T, still: Stillness) => R | null,
  opts: { tools: PageTools; tracker: NetworkTracker; target: Target; loading?: string | undefined },
): Promise<R> {
  let last = '';
  let changedAt = Date.now();
  for (;;) {
    opts.tools.budget();
    const state = await probe();
    const now = Date.now();
    const key = JSON.stringify(state);
    if (key !== last) {
      last = key;
      changedAt = now;
    }
    const busy = opts.tracker.inFlight > 0 || (opts.loading !== undefined && (await shown(opts.target, opts.loading, opts.tools)));
    const same = now - changedAt;
    const quiet = busy ? 0 : Math.min(same, opts.tracker.quietFor(now));
    const verdict = decide(state, { quiet, same });
    if (verdict !== null) return verdict;
    await opts.tools.race(sleep(POLL_MS));
  }
}

/** Whether any match of `selector` is visible (a spinner, "Loading…"). */
async function shown(target: Target, selector: string, tools: PageTools): Promise<boolean> {
  return tools.race(target.locator(selector).first().isVisible()).catch(() => false);
}

/**
 * Visible, enabled, not aria-disabled. The locator is resolved afresh on every call (never an element handle), so a
 * control drawn again as a new element is found. It may vanish at any moment, and Playwright's attribute reads wait
 * for an element that is gone, so each read is short and a timeout means "no".
 */
export async function usable(target: Target, selector: string, tools: PageTools): Promise<boolean> {
  const el = target.locator(selector).first();
  try {
    if (!(await tools.race(el.isVisible()))) return false;
    // Budgeted here, so deadlineBound() below speaks of these reads, not of whichever step asked for a budget last.
    const timeout = tools.budget(500);
    const [enabled, aria] = await tools.race(Promise.all([el.isEnabled({ timeout }), el.getAttribute('aria-disabled', { timeout })]));
    return enabled && aria !== 'true';
  } catch (e) {
    if (e instanceof errors.TimeoutError && !tools.deadlineBound()) return false;
    throw e;
  }
}

/** Clicks the control; false when it vanished before the click could land (the list ended meanwhile). */
export async function clickIfThere(target: Target, selector: string, tools: PageTools): Promise<boolean> {
  try {
    await tools.race(target.locator(selector).first().click({ timeout: tools.budget(5000) }));
    return true;
  } catch (e) {
    if (e instanceof errors.TimeoutError && !tools.deadlineBound() && (await tools.race(target.locator(selector).count())) === 0) return false;
    throw e;
  }
}
