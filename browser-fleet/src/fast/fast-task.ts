import { TrawlError, type RenderReason, type RunEventInput, type Task, type TaskResult, type TaskTimings } from '@trawl/schemas';
import { collectArgsOf, collectInPage } from '@trawl/engine';
import { failureOf, statusError, type Step } from '../failure.ts';
import { TaskEgress } from '../egress/task-egress.ts';
import { robots } from '../robots.ts';
import { loadProxies, type RunHooks } from '../runner.ts';
import { Secrets } from '../secrets.ts';
import { PATTERN_CPU_BUDGET_MS, postProcess } from '../post-process/pool.ts';
import { discoveredOf, droppedOf } from '../rules/page-work.ts';
import { openPage, type ReadablePage } from './readable-page.ts';
import { fetchPage } from './http-fetch.ts';
import { pageVerdict, softFailureOf } from './page-verdict.ts';

export interface FastOutcome {
  result: TaskResult;
  /** Why this page needs a browser, when it does (the caller falls back, or reports the loss when the job forced http). */
  needsBrowser: RenderReason | null;
}

/** A sign the fast path cannot read this page as a browser would: the browser takes over (unless the job forced http). */
class NeedsBrowser extends Error {
  constructor(readonly reason: RenderReason, message: string) {
    super(message);
    this.name = 'NeedsBrowser';
  }
}

const DEFAULT_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/**
 * One task on the fast path (ADR 0049): the page over HTTP through the task's egress lane, the engine's collector on a
 * server-side DOM, the same post-processing, empty and soft-failure rules and result shape as the browser's. Never
 * throws. `forced` (the job's render "http"): signs that a browser is needed do not stop it; they are reported.
 */
export async function runFastTask(task: Task, hooks: RunHooks, forced: boolean): Promise<FastOutcome> {
  const started = performance.now();
  const timings: TaskTimings = { totalMs: 0 };
  const secrets = hooks.secrets ?? new Secrets();
  const emit = (type: RunEventInput['type'], message: string, data: Record<string, unknown>, level: RunEventInput['level'] = 'info'): void => {
    hooks.onEvent?.({ type, level, message: secrets.mask(message), ts: Date.now(), taskId: task.taskId, url: task.url, data: secrets.maskJson(data) });
  };
  const signal = AbortSignal.any([AbortSignal.timeout(Math.max(1, task.deadline - Date.now())), ...(hooks.signal ? [hooks.signal] : [])]);
  const left = (): number => Math.max(1, task.deadline - Date.now());
  const egress = new TaskEgress(task, emit);
  let step: Step = 'policy';
  let httpStatus: number | undefined;
  let finalUrl: string | undefined;
  let crawlDelayMs: number | undefined;
  let needsBrowser: RenderReason | null = null;
  let dom: ReadablePage | null = null;
  const base = (): Omit<TaskResult, 'outcome' | 'items' | 'discovered'> => ({ leaseToken: task.leaseToken, attempt: task.attempt, nodeId: hooks.nodeId,
    httpStatus, finalUrl, timings: { ...timings, totalMs: Math.round(performance.now() - started) }, blocked: egress.list(), crawlDelayMs,
    ...(egress.proxyId() ? { proxyId: egress.proxyId() } : {}) });
  try {
    const protocol = URL.canParse(task.url) ? new URL(task.url).protocol : '';
    if (protocol !== 'http:' && protocol !== 'https:') throw new TrawlError('BLOCKED_BY_POLICY', 'only http and https URLs are fetched');
    const { spec } = task;
    const upstreams = task.proxy ? await loadProxies(hooks) : undefined;
    if (upstreams) secrets.addProxies(upstreams.upstreams);
    // The same lane as a browser context's: the task URL is checked here, every hop at the proxy.
    const proxy = await egress.open(hooks.egress, null, upstreams);
    if (!proxy) throw new NeedsBrowser('fallback-error', 'this node has no egress lane for the fast path');
    const get = { proxy: proxy.server, userAgent: spec.browser.userAgent ?? DEFAULT_UA, signal };

    step = 'navigate';
    let t = performance.now();
    if (spec.respectRobots) {
      const robotsGet = async (url: string, timeoutMs: number) => {
        const r = await fetchPage(url, { ...get, timeoutMs, onHop: () => undefined });
        return { status: r.refused ? 403 : r.status, text: async () => r.html };
      };
      crawlDelayMs = (await robots.check(robotsGet, task.url, left())).crawlDelayMs;
    }
    const page = await fetchPage(task.url, { ...get, timeoutMs: left(), onHop: (u) => egress.navigating(u) });
    httpStatus = page.status;
    finalUrl = page.finalUrl;
    if (page.refused) egress.check();
    const bad = statusError(page.status, page.headers['retry-after']);
    if (bad) throw bad;
    const navMs = Math.round(performance.now() - t);
    timings.navigateMs = navMs;
    emit('page.navigated', `fetched over HTTP (HTTP ${page.status}) in ${navMs} ms`, { status: page.status, ms: navMs, finalUrl, render: 'http' });
    if (!/html|xml/i.test(page.headers['content-type'] ?? 'text/html')) throw new NeedsBrowser('fallback-error', `the page is ${page.headers['content-type']}, not HTML`);

    step = 'extract';
    t = performance.now();
    // The DOM library is loaded with the node's first fast task, not at start (ADR 0065); plain pages take the light tier (ADR 0068).
    dom = await openPage(page.html, page.finalUrl, spec, hooks.lightDom !== false);
    const verdict = pageVerdict(dom, spec);
    const raw = dom.evaluate(collectInPage, collectArgsOf(spec));
    const extraction = await postProcess(raw, spec, { fetchedAt: Date.now(), panel: null, timeZone: spec.timeZone }, { cpuMs: PATTERN_CPU_BUDGET_MS, wallMs: left() });
    timings.extractMs = Math.round(performance.now() - t);
    const found = extraction.items.length > 0;
    needsBrowser = verdict(found);
    if (needsBrowser && !forced) throw new NeedsBrowser(needsBrowser, `the page needs a browser (${needsBrowser})`);
    emit('items.extracted', `extracted ${extraction.items.length} items`, { count: extraction.items.length, matched: extraction.matched, incomplete: extraction.incomplete.length, ms: timings.extractMs, render: 'http', dom: dom.light ? 'light' : 'full' });

    const soft = spec.softFailures ? softFailureOf(dom, found) : null;
    if (soft && !forced) throw new NeedsBrowser('fallback-soft-failure', soft.message);
    if (soft) throw new TrawlError(soft.code, soft.message, { soft: true, kind: soft.kind });
    if (!found && extraction.incomplete.length > 0) {
      const missing = [...new Set(extraction.incomplete.flatMap((x) => x.missing))].join(', ');
      throw new TrawlError('EXTRACTION_EMPTY', `${extraction.incomplete.length} item(s) matched but required fields came out empty: ${missing}`, { soft: true, kind: 'empty-fields', field: extraction.incomplete[0]?.missing[0] });
    }
    if (!found && !spec.allowEmpty) throw new TrawlError('EXTRACTION_EMPTY', `no items matched ${spec.itemSelector} (${extraction.matched} matched before visibility and required-field checks)`);
    const items = extraction.items;
    const ambiguous = task.kind === 'detail' ? ambiguousOf(dom, spec) : [];
    return { needsBrowser, result: { ...base(), outcome: 'succeeded', items: spec.follow ? [] : items, discovered: discoveredOf(task, items, extraction.nextUrl, page.finalUrl),
      ...(extraction.unparsed.length ? { unparsed: extraction.unparsed } : {}),
      ...(extraction.incomplete.length ? { dropped: droppedOf(extraction.incomplete) } : {}),
      ...(ambiguous.length ? { ambiguous } : {}) } };
  } catch (error) {
    if (error instanceof NeedsBrowser) return { needsBrowser: error.reason, result: { ...base(), outcome: 'failed', items: [], discovered: [], error: { code: 'INTERNAL', message: error.message } } };
    const stop = hooks.signal?.aborted ? (hooks.signal.reason === 'shutdown' ? 'shutdown' : 'lease-lost') : signal.aborted ? 'deadline' : null;
    const refused = egress.blockedNavigation();
    const failure = failureOf({ error: refused ?? error, step: refused ? 'navigate' : step, stop, crashed: false, deadlineBound: true }, task.url, task.attempt);
    failure.message = secrets.mask(failure.message);
    emit('task.failed', `${failure.code}: ${failure.message}`, { code: failure.code, step: failure.step, render: 'http' }, 'error');
    // An error of ours that is not the site's answer (a selector the DOM library does not support, a parse failure) is no verdict on the page.
    const ours = !refused && (failure.code === 'INTERNAL' || failure.code === 'NAVIGATION_ERROR');
    return { needsBrowser: needsBrowser ?? (ours && !forced ? 'fallback-error' : null), result: { ...base(), outcome: 'failed', items: [], discovered: [], error: failure } };
  } finally {
    dom?.close();
    await egress.close();
  }
}

/** A detail page's single-valued fields matching several elements (the browser's DETAIL_AMBIGUOUS check, on the DOM). */
function ambiguousOf(dom: ReadablePage, spec: Task['spec']): Array<{ field: string; matches: number }> {
  const out: Array<{ field: string; matches: number }> = [];
  for (const [field, f] of Object.entries(spec.fields)) {
    if (!f.selector || f.all || f.label || f.context || f.compute !== undefined || f.const !== undefined) continue;
    const matches = dom.evaluate(collectInPage, { ...collectArgsOf({ ...spec, itemSelector: f.selector, itemExclude: undefined }), fields: {}, nextSelector: undefined }).items.length;
    if (matches > 1) out.push({ field, matches });
  }
  return out;
}
