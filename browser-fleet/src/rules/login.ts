import type { BrowserContext, Page } from 'playwright-core';
import { TrawlError, isTrawlError, type Rule, type StorageState, type TaskLogin } from '@trawl/schemas';
import { runRules } from './actions.ts';
import { NetworkTracker } from './network.ts';
import type { PageOutcome } from './page-work.ts';
import type { PageTools } from './tools.ts';
import type { Secrets } from '../secrets.ts';
import type { TaskObserver } from '../task-observer.ts';

/** After the steps (whose click already waited for the form to submit), how long the success URL may take. */
const SUCCESS_WAIT_MS = 5000;

/** How the runner reaches the job's stored login (the task session implements it over signed edge calls). */
export interface LoginAccess {
  load(): Promise<TaskLogin>;
  /** Saves a fresh session after a login with the credential; failures are the caller's to log, not the task's. */
  save(state: StorageState): Promise<void>;
}

export interface LoginScope {
  page: Page;
  context: BrowserContext;
  login: TaskLogin | null;
  access?: LoginAccess;
  tools: PageTools;
  /** Told when the login starts and ends, so that nothing is recorded meanwhile (artifacts/recorder.ts). */
  observer?: TaskObserver | undefined;
  /** Learns the new session's values, which no event or artifact may show. */
  secrets?: Secrets | undefined;
}

/** The stored login, or LOGIN_REQUIRED when it cannot be had (deleted, unreadable, edge unreachable). */
export async function loadLogin(access: LoginAccess): Promise<TaskLogin> {
  try {
    return await access.load();
  } catch (e) {
    if (isTrawlError(e)) throw e;
    throw new TrawlError('LOGIN_REQUIRED', `the job's stored login could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const canLogIn = (l: TaskLogin | null): l is TaskLogin & { credential: NonNullable<TaskLogin['credential']>; flow: NonNullable<TaskLogin['flow']> } =>
  Boolean(l?.credential && l.flow);

/**
 * Visits the page with the stored session. With a credential: logs in first when there is no session yet, and
 * once more when the session turns out stale (LOGIN_REQUIRED), then visits again. Without one a stale session
 * stays LOGIN_REQUIRED, whose hint says to refresh the stored login.
 */
export async function visitWithLogin(visit: () => Promise<PageOutcome>, scope: LoginScope): Promise<PageOutcome> {
  const { login } = scope;
  if (canLogIn(login) && !login.storageState) {
    await logIn(scope, login);
    return visit();
  }
  try {
    return await visit();
  } catch (e) {
    if (!(isTrawlError(e) && e.code === 'LOGIN_REQUIRED' && canLogIn(login))) throw e;
    scope.tools.emit('log', 'the stored session no longer works; logging in with the stored credential', {}, 'warn');
    await logIn(scope, login);
    return visit();
  }
}

async function logIn(scope: LoginScope, login: TaskLogin & { credential: NonNullable<TaskLogin['credential']>; flow: NonNullable<TaskLogin['flow']> }): Promise<void> {
  const { page, context, tools, observer } = scope;
  await observer?.loginStarted?.();
  let tracker: NetworkTracker | null = null;
  let state: StorageState;
  try {
    await tools.enter('actions');
    await tools.race(page.goto(login.flow.url, { waitUntil: 'domcontentloaded', timeout: tools.budget() }));
    const fill = (v: string): string => v.replaceAll('{{username}}', login.credential.username).replaceAll('{{password}}', login.credential.password);
    const steps: Rule[] = login.flow.steps.map((s) => (s.do === 'fill' ? { ...s, value: fill(s.value) } : s));
    tracker = new NetworkTracker(page);
    await runRules(page, steps, tools, tracker);
    const expected = login.flow.successUrlContains;
    if (expected) {
      await tools.race(page.waitForURL((u) => u.href.includes(expected), { timeout: tools.budget(SUCCESS_WAIT_MS), waitUntil: 'commit' }))
        .catch((e: unknown) => {
          throw new TrawlError('LOGIN_REQUIRED', `logging in with the stored credential did not reach a URL containing "${expected}" (${e instanceof Error ? e.message.split('\n')[0] : 'timeout'})`);
        });
    }
    state = (await tools.race(context.storageState())) as StorageState;
    scope.secrets?.addState(state);
  } finally {
    tracker?.dispose();
    await observer?.loginEnded?.();
  }
  await scope.access?.save(state).then(
    () => tools.emit('log', 'logged in with the stored credential; the new session is saved for the next tasks', {}),
    () => tools.emit('log', 'logged in, but saving the new session failed; the next tasks log in again', {}, 'warn'),
  );
}
