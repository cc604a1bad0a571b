import type { FrameLocator, Locator, Page } from 'playwright-core';
import { errors } from 'playwright-core';
import type { FramedAction, Rule } from '@trawl/schemas';
import { blockedError, frameHolding } from './action-frames.ts';
import { NetworkTracker } from './network.ts';
import { RULE_TIMEOUT_MS, type PageTools } from './tools.ts';

/**
 * Runs the rule DSL's steps in order. Selectors use Playwright's own engines here (the same syntax the extraction
 * engine resolves in the page), so a locator that works in codegen works in a rule. A timeout fails the task with
 * SELECTOR_TIMEOUT (the runner maps it), except where the rule says it may be skipped. A step with `frame` acts inside
 * that same-origin iframe; an element covered by another (an iframe wall) fails with ACTION_BLOCKED naming the step.
 */
export async function runRules(page: Page, rules: readonly Rule[], tools: PageTools, tracker: NetworkTracker): Promise<FramedAction[]> {
  const framed: FramedAction[] = [];
  for (const [index, rule] of rules.entries()) {
    const t = performance.now();
    const outcome = await runRule(page, rule, tools, tracker, (frame) => framed.push({ rule: index, do: rule.do, frame, count: 1 })).catch(async (e: unknown) => {
      throw (e instanceof errors.TimeoutError && !tools.deadlineBound() && 'selector' in rule && rule.selector
        ? await blockedError(scopeOf(page, rule).locator(rule.selector).first(), index, rule.do, tools) : null) ?? e;
    });
    tools.emit('page.waited', `rule ${index + 1} (${rule.do}) ${outcome} in ${Math.round(performance.now() - t)} ms`, {
      rule: index, do: rule.do, outcome, ms: Math.round(performance.now() - t),
    }, framed.at(-1)?.rule === index ? 'warn' : 'info');
  }
  return framed;
}

/** Where a step's selectors resolve: the page, or the iframe its `frame` names. */
function scopeOf(page: Page, rule: Rule): Page | FrameLocator {
  return 'frame' in rule && rule.frame ? page.frameLocator(rule.frame) : page;
}

async function runRule(page: Page, rule: Rule, tools: PageTools, tracker: NetworkTracker, inFrame: (frame: string) => void): Promise<string> {
  const { race, budget } = tools;
  const timeout = (ms?: number): number => budget(ms ?? RULE_TIMEOUT_MS);
  const scope = scopeOf(page, rule);
  switch (rule.do) {
    case 'waitFor':
      await race(scope.locator(rule.selector).first().waitFor({ state: rule.state, timeout: timeout(rule.timeoutMs) }));
      return 'done';
    case 'waitForText':
      await race(scope.getByText(rule.text).first().waitFor({ state: 'visible', timeout: timeout(rule.timeoutMs) }));
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
        await race(scope.locator(rule.selector).first().click({ timeout: timeout(rule.timeoutMs ?? (rule.optional ? 2000 : undefined)) }));
        return 'clicked';
      } catch (e) {
        if (rule.optional && e instanceof errors.TimeoutError && !tools.deadlineBound()) return 'skipped (not there)';
        throw e;
      }
    case 'fill':
      await race(scope.locator(rule.selector).first().fill(rule.value, { timeout: timeout(rule.timeoutMs) }));
      return 'filled';
    case 'select':
      await race(scope.locator(rule.selector).first().selectOption(rule.value, { timeout: timeout(rule.timeoutMs) }));
      return 'selected';
    case 'press':
      if (rule.selector) await race(scope.locator(rule.selector).first().press(rule.key, { timeout: timeout() }));
      else await race(page.keyboard.press(rule.key));
      return 'pressed';
    case 'dismiss':
      return dismiss(page, scope.locator(rule.selector).first(), rule, tools, inFrame);
  }
}

/** Overlays come late or not at all: wait a little for one, click it away, and never fail the task over it. */
async function dismiss(page: Page, target: Locator, rule: Extract<Rule, { do: 'dismiss' }>, tools: PageTools, inFrame: (frame: string) => void): Promise<string> {
  try {
    await tools.race(target.waitFor({ state: 'visible', timeout: tools.budget(Math.max(1, rule.timeoutMs)) }));
  } catch (e) {
    if (!(e instanceof errors.TimeoutError) || tools.deadlineBound()) throw e;
    // The banner may be there, inside an iframe the step does not name: say which, instead of silently nothing.
    const frame = rule.frame ? null : await frameHolding(page, rule.selector);
    if (frame) inFrame(frame);
    return frame ? `nothing to dismiss on the page; ${rule.selector} is inside iframe ${frame}: give the step "frame": "${frame}"` : 'nothing to dismiss';
  }
  await tools.race(target.click({ timeout: tools.budget(2000) }).catch(() => target.evaluate((el) => (el as HTMLElement).click())));
  await tools.race(target.waitFor({ state: 'hidden', timeout: tools.budget(2000) })).catch(() => undefined);
  return 'dismissed';
}
