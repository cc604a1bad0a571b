import type { Locator, Page } from 'playwright-core';
import { TrawlError } from '@trawl/schemas';
import type { PageTools } from './tools.ts';

/**
 * Why an action timed out, found by looking at the page rather than at Playwright's message text: the element is
 * there and visible but another element sits on its centre (an iframe wall, an overlay). Null when it is not
 * (then the timeout stays a SELECTOR_TIMEOUT).
 */
export async function blockedError(target: Locator, index: number, step: string, tools: PageTools): Promise<TrawlError | null> {
  const cover = await tools.race(target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return null;
    const top = el.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!top || top === el || el.contains(top)) return null;
    const name = top.tagName.toLowerCase();
    return { name: `${name}${top.id ? `#${top.id}` : ''}`, frame: name === 'iframe' || name === 'frame' };
  }, undefined, { timeout: 500 })).catch(() => null);
  if (!cover) return null;
  const hint = cover.frame ? `; if the step's element is inside that iframe, give the step "frame": "${cover.name}"` : '; dismiss it first';
  return new TrawlError('ACTION_BLOCKED', `rule ${index + 1} (${step}) could not act: its element is covered by <${cover.name}>${hint}`, { rule: index, covered: cover.name });
}

/** A selector for the first same-origin iframe on the page whose document matches `selector`, or null. */
export async function frameHolding(page: Page, selector: string): Promise<string | null> {
  for (const frame of page.mainFrame().childFrames()) {
    const count = await frame.locator(selector).count().catch(() => 0);
    if (count === 0) continue;
    const el = await frame.frameElement().catch(() => null);
    const id = el ? await el.getAttribute('id').catch(() => null) : null;
    const name = el ? await el.getAttribute('name').catch(() => null) : null;
    return id ? `#${id}` : name ? `iframe[name="${name}"]` : 'iframe';
  }
  return null;
}
