import type { Page } from 'playwright-core';
import { StorageState, TrawlError, type Task, type TaskSpec } from '@trawl/schemas';
import type { PageTools } from './tools.ts';

/** How the runner reaches a kept session's storage state (the task session implements it over a signed edge call). */
export type SessionAccess = () => Promise<StorageState | null>;

/** The state the previous page left; one that cannot be had fails the task with a retryable INTERNAL. */
export async function loadSession(access: SessionAccess): Promise<StorageState | null> {
  try {
    return await access();
  } catch (e) {
    throw new TrawlError('INTERNAL', `the kept session could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * A page that answered but says the session is over (the job's session.expired text or selector): a soft failure,
 * SESSION_EXPIRED, naming the step and the page so the run's events say where the chain broke.
 */
export async function checkExpired(page: Page, spec: TaskSpec, tools: PageTools, step: string): Promise<void> {
  const expired = spec.session?.expired;
  if (!expired) return;
  const { text, selector } = expired;
  const found = await tools.race(page.evaluate((e) => {
    if (e.selector && document.querySelector(e.selector)) return `the page shows ${e.selector}`;
    if (e.text && (document.body?.innerText ?? '').includes(e.text)) return `the page says "${e.text}"`;
    return null;
  }, { text: text ?? null, selector: selector ?? null }));
  if (found) throw new TrawlError('SESSION_EXPIRED', `the site's session expired at step ${step} (${page.url()}): ${found}`, { soft: true, kind: 'session-expired', step });
}

/**
 * A retry of a kept-session page restarts from the last good page: visits it again with the session it left and
 * follows its next link, fresh, instead of the spent URL the first attempt had. Returns the URL to visit.
 */
export async function resumeTarget(page: Page, task: Task, tools: PageTools, goto: (url: string) => Promise<void>): Promise<string> {
  const from = task.session?.resumeFrom;
  const pagination = task.spec.pagination;
  if (!from || pagination?.type !== 'nextLink') return task.url;
  await goto(from);
  await checkExpired(page, task.spec, tools, 'resume');
  const href = await tools.race(page.evaluate((sel) => {
    const a = document.querySelector(sel);
    return a instanceof HTMLAnchorElement ? a.href : null;
  }, pagination.selector));
  if (!href) throw new TrawlError('SESSION_EXPIRED', `restarting from the last good page ${from}: its next link (${pagination.selector}) is gone`, { soft: true, kind: 'session-expired', step: 'resume' });
  tools.emit('log', `retry restarts from the last good page ${from} and follows its next link`, { resumeFrom: from, url: href });
  return href;
}
