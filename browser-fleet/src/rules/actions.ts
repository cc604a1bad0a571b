import type { Page } from 'playwright-core';
import { errors } from 'playwright-core';
import type { Rule } from '@trawl/schemas';
import { NetworkTracker } from './network.ts';
import { RULE_TIMEOUT_MS, type PageTools } from './tools.ts';

/**
 * Runs the rule DSL's steps in order. Selectors use Playwright's own engines here (the same syntax the extraction
 * engine resolves in the page), so a locator that works in codegen works in a rule. A timeout fails the task with
 * SELECTOR_TIMEOUT (the runner maps it), except where the rule says it may be skipped.
 */
export async function runRules(page: Page, rules: readonly Rule[], tools: PageTools, tracker: NetworkTracker): Promise<void> {
  for (const [index, rule] of rules.entries()) {
    const t = performance.now();
    const outcome = await runRule(page, rule, tools, tracker);
    tools.emit('page.waited', `rule ${index + 1} (${rule.do}) ${outcome} in ${Math.round(performance.now() - t)} ms`, {
      rule: index, do: rule.do, outcome, ms: Math.round(performance.now() - t),
    });
  }
}

async function runRule(page: Page, rule: Rule, tools: PageTools, tracker: NetworkTracker): Promise<string> {
  const { race, budget } = tools;
  const timeout = (ms?: number): number => budget(ms ?? RULE_TIMEOUT_MS);
  switch (rule.do) {
    case 'waitFor':
      await race(page.locator(rule.selector).first().waitFor({ state: rule.state, timeout: timeout(rule.timeoutMs) }));
      return 'done';
    case 'waitForText':
      await race(page.getByText(rule.text).first().waitFor({ state: 'visible', timeout: timeout(rule.timeoutMs) }));
      return 'done';
    case 'waitForUrl':
      await race(page.waitForURL((u) => u.href.includes(rule.contains), { timeout: timeout(rule.timeoutMs), waitUntil: 'commit' }));
      return 'done';
    case 'networkIdle':
      return (await race(tracker.idle(rule.idleMs, budget(rule.capMs)))) ? 'idle' : 'capped (still busy)';
    case 'delay':
      await race(page.waitForTimeout(budget(rule.ms)));
      return 'done';
    case 'click':
      try {
        await race(page.locator(rule.selector).first().click({ timeout: timeout(rule.timeoutMs ?? (rule.optional ? 2000 : undefined)) }));
        return 'clicked';
      } catch (e) {
        if (rule.optional && e instanceof errors.TimeoutError && !tools.deadlineBound()) return 'skipped (not there)';
        throw e;
      }
    case 'fill':
      await race(page.locator(rule.selector).first().fill(rule.value, { timeout: timeout(rule.timeoutMs) }));
      return 'filled';
    case 'select':
      await race(page.locator(rule.selector).first().selectOption(rule.value, { timeout: timeout(rule.timeoutMs) }));
      return 'selected';
    case 'press':
      if (rule.selector) await race(page.locator(rule.selector).first().press(rule.key, { timeout: timeout() }));
      else await race(page.keyboard.press(rule.key));
      return 'pressed';
    case 'dismiss':
      return dismiss(page, rule.selector, rule.timeoutMs, tools);
  }
}

/** Overlays come late or not at all: wait a little for one, click it away, and never fail the task over it. */
async function dismiss(page: Page, selector: string, waitMs: number, tools: PageTools): Promise<string> {
  const target = page.locator(selector).first();
  try {
    await tools.race(target.waitFor({ state: 'visible', timeout: tools.budget(Math.max(1, waitMs)) }));
  } catch (e) {
    if (e instanceof errors.TimeoutError && !tools.deadlineBound()) return 'nothing to dismiss';
    throw e;
  }
  await tools.race(target.click({ timeout: tools.budget(2000) }).catch(() => target.evaluate((el) => (el as HTMLElement).click())));
  await tools.race(target.waitFor({ state: 'hidden', timeout: tools.budget(2000) })).catch(() => undefined);
  return 'dismissed';
}
