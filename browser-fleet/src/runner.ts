import type { BrowserContext, Page } from 'playwright-core';
import { TrawlError, type RunEventInput, type StorageState, type Task, type TaskProxies, type TaskResult, type TaskTimings } from '@trawl/schemas';
import { blockResources, type BlockStrategy } from './block-resources.ts';
import { failureOf, statusError, type Step, type StopReason } from './failure.ts';
import type { ContextOptions, ContextSource } from './pool.ts';
import { WarmContexts } from './warm-contexts.ts';
import { resetKept, type KeptPages } from './kept-pages.ts';
import { workPage, type PageOutcome } from './rules/page-work.ts';
import { loadLogin, visitWithLogin, type LoginAccess } from './rules/login.ts';
import { checkExpired, loadSession, resumeTarget, type SessionAccess } from './rules/session.ts';
import type { TaskObserver } from './task-observer.ts';
import type { EgressProxy } from './egress/proxy.ts';
import { TaskEgress } from './egress/task-egress.ts';
import { contextRobotsGet, robots } from './robots.ts';
import { Secrets } from './secrets.ts';
import { PageGuard, pageCause } from './page-guard.ts';

export interface RunHooks {
  nodeId: string;
  /** Progress for the run's event stream; must not throw or block. */
  onEvent?: (e: RunEventInput) => void;
  /** Aborting stops the task at once; the abort reason is a StopReason ('lease-lost' | 'shutdown'). */
  signal?: AbortSignal;
  waitForSlotMs?: number;
  /** The fast path may read plain pages on its light tier (ADR 0068; FLEET_LIGHT_DOM, default true). */
  lightDom?: boolean;
  blockStrategy?: BlockStrategy;
  /** Artifacts and spans: told of the context, each step and the outcome (see task-observer.ts). */
  observer?: TaskObserver;
  /** The job's stored login, fetched with the task's lease (absent when the job has none). */
  login?: LoginAccess;
  /** The storage state the previous page of a kept-session chain left, fetched with the task's lease (ADR 0041). */
  session?: SessionAccess;
  /** The job's upstream proxies with credentials, fetched with the task's lease (absent when the job has none). */
  proxies?: () => Promise<TaskProxies>;
  /** The node's egress proxy: the task's context gets its own lane (absent only in browser-only tests). */
  egress?: EgressProxy;
  /** Contexts made ahead of time (the node's; absent: every task makes its own). */
  warm?: WarmContexts;
  /** Pages kept between the tasks of one run (kept-pages.ts, ADR 0062; absent: every task's context is closed). */
  kept?: KeptPages;
  /** The task's secret values (stored login), shared with the artifact recorder; masked in every event. */
  secrets?: Secrets;
}

/**
 * Steps with their own timeout (goto, wait) get exactly the time left, so they fail with their
 * specific code; this backstop closes the context a little later for steps that have none
 * (context creation, evaluate) and the task ends as TASK_TIMEOUT.
 */
const BACKSTOP_MS = 150;

const noop = (): void => undefined;

interface RunState {
  step: Step;
  stop: StopReason | null;
  crashed: boolean;
  deadlineBound: boolean;
  context: BrowserContext | null;
  page: Page | null;
  /** What the page did that ends the task (PAGE_CRASHED, PAGE_CLOSED; page-guard.ts); it explains any step error after it. */
  pageError: TrawlError | null;
}

/** Runs one task in a fresh context and returns its result. Never throws; the context is always closed. */
export async function runTask(task: Task, source: ContextSource, hooks: RunHooks): Promise<TaskResult> {
  const started = performance.now();
  const timings: TaskTimings = { totalMs: 0, ...(hooks.waitForSlotMs === undefined ? {} : { waitForSlotMs: hooks.waitForSlotMs }) };
  const state: RunState = { step: 'policy', stop: null, crashed: false, deadlineBound: false, context: null, page: null, pageError: null };
  const secrets = hooks.secrets ?? new Secrets();
  const emit = (type: RunEventInput['type'], message: string, data: Record<string, unknown>, level: RunEventInput['level'] = 'info'): void => {
    hooks.onEvent?.({ type, level, message: secrets.mask(message), ts: Date.now(), taskId: task.taskId, url: task.url, data: secrets.maskJson(data) });
  };

  let rejectStopped: (e: Error) => void = noop;
  const stopped = new Promise<never>((_, reject) => {
    rejectStopped = reject;
  });
  stopped.catch(() => undefined);
  const stopNow = (reason: StopReason): void => {
    if (state.stop) return;
    state.stop = reason;
    rejectStopped(new Error(`task stopped: ${reason}`));
    // Closing the context makes every pending Playwright call in it reject at once.
    void state.context?.close().catch(() => undefined);
  };
  /** The page ended its own task: every pending step rejects with this error and the context closes. */
  const failNow = (error: TrawlError): void => {
    if (state.stop || state.pageError) return;
    state.pageError = error;
    rejectStopped(error);
    void state.context?.close().catch(() => undefined);
  };
  const backstop = setTimeout(() => stopNow('deadline'), Math.max(0, task.deadline - Date.now()) + BACKSTOP_MS);
  const onAbort = (): void => stopNow(hooks.signal?.reason === 'shutdown' ? 'shutdown' : 'lease-lost');
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted) onAbort();

  const race = <T>(p: Promise<T>): Promise<T> => Promise.race([p, stopped]);
  /** The time a step may take: its own cap, or what is left of the task's one deadline. */
  const budget = (cap?: number): number => {
    const left = task.deadline - Date.now();
    if (left <= 0) throw new TrawlError('TASK_TIMEOUT', `task deadline passed before ${state.step}`);
    state.deadlineBound = cap === undefined || left <= cap;
    return Math.max(1, Math.min(left, cap ?? left));
  };
  const observer = hooks.observer;
  const enter = async (step: Step): Promise<void> => {
    state.step = step;
    await observer?.step?.(step);
  };
  let failed = true;
  const lap = (key: keyof Omit<TaskTimings, 'totalMs' | 'waitForSlotMs'>, since: number): number => {
    const ms = Math.round(performance.now() - since);
    timings[key] = ms;
    return ms;
  };

  let httpStatus: number | undefined;
  let finalUrl: string | undefined;
  let crawlDelayMs: number | undefined;
  const egress = new TaskEgress(task, emit);
  let guard: PageGuard | null = null;
  let unwatch = noop;
  /** Nothing in this task's context is its own (login, kept session, upstreams, user agent, HAR): it may be kept for the run. */
  let plain = false;
  /** Requests the kept page this task took had made before it (its bound, kept-pages.ts). */
  let keptRequests = 0;
  try {
    const protocol = URL.canParse(task.url) ? new URL(task.url).protocol : '';
    if (protocol !== 'http:' && protocol !== 'https:') throw new TrawlError('BLOCKED_BY_POLICY', 'only http and https URLs are fetched');
    const { spec } = task;
    const options: ContextOptions = { userAgent: spec.browser.userAgent, ...observer?.contextOptions?.() };
    // A page a finished task of this same run left (kept-pages.ts), else a context made ahead of time
    // (warm-contexts.ts), when the task needs nothing special from one; either is closed like any other
    // (state.context) unless kept again, and its lane takes this task's policy in egress.open.
    plain = !task.login && !task.session && !task.proxy && WarmContexts.fits(options);
    const taken = plain ? hooks.kept?.take(task) ?? null : null;
    // A kept page starts without the cookies the run's previous page got and without any second page; one whose
    // reset does not finish at once is given up for a fresh context.
    const kept = taken && await race(resetKept(taken)) ? taken : null;
    keptRequests = kept?.requests ?? 0;
    const warm = kept ?? (plain ? hooks.warm?.take() ?? null : null);
    state.context = warm?.context ?? null;
    const upstreams = task.proxy ? await race(loadProxies(hooks)) : undefined;
    if (upstreams) secrets.addProxies(upstreams.upstreams);
    const proxy = await race(egress.open(hooks.egress, warm?.lane, upstreams));

    await enter('context');
    budget();
    let t = performance.now();
    let context: BrowserContext;
    let page: Page;
    let login: Awaited<ReturnType<typeof loadLogin>> | null = null;
    if (warm) {
      ({ context, page } = warm);
    } else {
      login = task.login && hooks.login ? await race(loadLogin(hooks.login)) : null;
      secrets.addLogin(login);
      // A kept session grew out of the login's (if any): it is the newer state.
      const kept = task.session?.state && hooks.session ? await race(loadSession(hooks.session)) : null;
      if (kept) secrets.addState(kept);
      const storageState = kept ?? login?.storageState;
      const opening = source.newContext({ ...options, proxy, ...(storageState ? { storageState } : {}) });
      // A context that arrives after the task stopped is closed, not leaked.
      opening.then((c) => {
        state.context = c;
        if (state.stop) void c.close().catch(() => undefined);
      }, () => undefined);
      context = await race(opening);
      page = await race(context.newPage());
    }
    state.page = page;
    unwatch = watchCrashes(context, page, state);
    guard = new PageGuard(context, page, { emit, fail: failNow });
    egress.watch(context, page);
    // A kept page still blocks what the run's spec blocks (its first task set it up; the spec is the run's).
    if (!kept) await race(blockResources(page, spec.browser.blockResources, hooks.blockStrategy));
    await race(observer?.attach?.(context, page) ?? Promise.resolve());
    lap('contextMs', t);

    const tools = { race, budget, enter, emit, lap, deadlineBound: () => state.deadlineBound };
    const visit = async (): Promise<PageOutcome> => {
      await enter('navigate');
      t = performance.now();
      if (spec.respectRobots) crawlDelayMs = (await race(robots.check(contextRobotsGet(context), task.url, budget()))).crawlDelayMs;
      const goto = async (url: string): Promise<void> => {
        const response = await race(egress.guard(page.goto(url, { waitUntil: spec.browser.waitUntil, timeout: budget() })));
        httpStatus = response?.status();
        finalUrl = page.url();
        const bad = httpStatus === undefined ? null : statusError(httpStatus, response?.headers()['retry-after']);
        if (bad) throw bad;
      };
      await goto(await resumeTarget(page, task, tools, goto));
      const navMs = lap('navigateMs', t);
      emit('page.navigated', `navigated (HTTP ${httpStatus ?? 'none'}) in ${navMs} ms`, { status: httpStatus ?? null, ms: navMs, finalUrl });
      await checkExpired(page, spec, tools, 'navigate');
      return workPage(page, task, tools);
    };
    const outcome = await visitWithLogin(visit, { page, context, login, access: hooks.login, tools, observer, secrets });
    // A main-frame navigation the proxy refused after load (meta refresh, location change) fails the task too.
    egress.check();
    // The state this page left, for the chain's next page (sealed by the coordinator; never in events or artifacts).
    const sessionState = task.session ? (await race(context.storageState())) as StorageState : undefined;
    if (sessionState) secrets.addState(sessionState);
    failed = false;
    timings.totalMs = Math.round(performance.now() - started);
    return {
      leaseToken: task.leaseToken, attempt: task.attempt, nodeId: hooks.nodeId, outcome: 'succeeded',
      items: outcome.items, discovered: outcome.discovered, httpStatus, finalUrl, timings, blocked: egress.list(), crawlDelayMs,
      ...(egress.proxyId() ? { proxyId: egress.proxyId() } : {}),
      ...(sessionState ? { sessionState } : {}),
      ...(outcome.unparsed.length ? { unparsed: outcome.unparsed } : {}),
      ...(outcome.dropped.length ? { dropped: outcome.dropped } : {}),
      ...(outcome.framed.length ? { framed: outcome.framed } : {}),
      ...(outcome.paginationUnfinished ? { paginationUnfinished: outcome.paginationUnfinished } : {}),
      ...(outcome.ambiguous?.length ? { ambiguous: outcome.ambiguous } : {}),
      ...(outcome.visibleDiffers?.length ? { visibleDiffers: outcome.visibleDiffers } : {}),
    };
  } catch (error) {
    // What the page did (crash, close, a download) explains a step's failure after it (page-guard.ts); a refused
    // main-frame navigation explains whatever failed after it (an empty 403 page, a timeout).
    const cause = await pageCause(guard, { error, step: state.step, stopped: state.stop !== null, pageError: state.pageError, crashed: state.crashed });
    // No upstream proxy could carry the page: PROXY_FAILED explains the navigation error it caused.
    const refused = egress.blockedNavigation() ?? cause.navigation ?? (state.step === 'navigate' ? egress.proxyFailure() : null);
    const failure = failureOf({ error: refused ?? cause.error, step: refused ? 'navigate' : state.step, stop: state.stop, crashed: cause.crashed, deadlineBound: state.deadlineBound }, task.url, task.attempt);
    failure.message = secrets.mask(failure.message);
    emit('task.failed', `${failure.code}: ${failure.message}`, { code: failure.code, step: failure.step }, 'error');
    timings.totalMs = Math.round(performance.now() - started);
    return {
      leaseToken: task.leaseToken, attempt: task.attempt, nodeId: hooks.nodeId, outcome: 'failed',
      items: [], discovered: [], error: failure, httpStatus, finalUrl, timings, blocked: egress.list(), crawlDelayMs,
      ...(egress.proxyId() ? { proxyId: egress.proxyId() } : {}),
    };
  } finally {
    guard?.finish();
    clearTimeout(backstop);
    hooks.signal?.removeEventListener('abort', onAbort);
    // A stopped task's context is already closing; recording then would only delay the stop.
    if (observer?.beforeClose && state.context && !state.stop) await observer.beforeClose(failed, state.step).catch(() => undefined);
    unwatch();
    // Only a context left with its one page is kept: a popup still open (closing it can hang) costs more than a new page.
    if (!failed && plain && hooks.kept && state.context && state.page && !state.stop && !state.pageError && !state.crashed && !state.page.isClosed()
      && state.context.pages().length === 1) {
      // Succeeded: the page stays for the run's next task on this node (ADR 0062), with its lane unbound.
      guard?.detach();
      hooks.kept.keep({ orgId: task.orgId, runId: task.runId, context: state.context, page: state.page, lane: egress.handOver(), requests: keptRequests + egress.requests });
      state.context = null;
    }
    // A plain context closed, not kept: the run's next task here needs a fresh one, made now (ADR 0065).
    if (plain && state.context && !state.stop) hooks.warm?.replenish();
    await state.context?.close().catch(() => undefined);
    await egress.close();
  }
}

/** The job's upstream proxies; a failure to get them, or a pool left empty, is PROXY_FAILED (retried). */
export async function loadProxies(hooks: RunHooks): Promise<TaskProxies> {
  if (!hooks.proxies) throw new TrawlError('PROXY_FAILED', 'this node was given no way to fetch the job\'s upstream proxies');
  const p = await hooks.proxies().catch((e: unknown) => {
    throw new TrawlError('PROXY_FAILED', `the job's upstream proxies could not be fetched: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (p.upstreams.length === 0) throw new TrawlError('PROXY_FAILED', 'none of the job\'s upstream proxies exists any more');
  return p;
}

/** Crashes are recorded as facts when they happen, so the failure code never depends on message text. Returns the undo. */
function watchCrashes(context: BrowserContext, page: Page, state: RunState): () => void {
  const onGone = (): void => {
    state.crashed = true;
  };
  page.once('crash', onGone);
  const browser = context.browser();
  browser?.once('disconnected', onGone);
  const off = (): void => {
    page.off('crash', onGone);
    browser?.off('disconnected', onGone);
  };
  context.once('close', off);
  return () => {
    off();
    context.off('close', off);
  };
}
