import { DurableObject } from 'cloudflare:workers';
import {
  ERRORS, artifactsForAttempt, traceparentOf, detailTaskSpecOf, initialUrls, levelTaskSpecOf, newId, randomString, taskSpecOf, isFinalStatus,
  type EgressPolicy, type Failure, type JobProxy, type JobSpec, type RunCounts, type RunEvent, type RunEventInput, type RunStatus, type RunWarning, type Task, type TaskResult,
} from '@trawl/schemas';
import { dedupeKeyOf } from '@trawl/engine/keys';
import { configOf, type Env } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { RunStore, type RunMeta } from './store.ts';
import {
  backoffMs, decideAfterFailure, expiredLeases, failureOf, finalOutcome, judgeResult, leaseIsCurrent, nextWake, pickDispatchable, planDiscovered, slotWaitersToWake,
  type EndReason, type TaskRow,
} from './machine.ts';
import { persistRun, previewShape, previousRunShape } from './persist.ts';
import { FillCounter, baselineWarnings, previewWarnings } from './baseline.ts';
import { RenderLedger } from './render-ledger.ts';
import { DetailStore } from './detail-store.ts';
import { GraphStore } from './graph-store.ts';
import { WarningStore } from './warning-store.ts';
import { SessionStore, sessionAad } from './session-store.ts';
import { LiveTaskStore, type LiveTask } from './live-tasks.ts';
import { loginGoneStale, staleReportOf } from './login-stale.ts';
import { reportStaleLogin } from '../services/logins/stale.ts';
import { seal } from '../lib/secret-box.ts';
import { warningFailure, warningsOf } from './warnings.ts';
import { notifyRunEnd } from '../notify/run-end.ts';
import { acquireSlot, releaseSlot, siteOf, type Politeness } from './politeness.ts';
import { eventsAfterAll, pageSizeOf } from './event-pages.ts';
import { NodeLossStore, decideAfterNodeLoss, expiryOf, lossMessage, reportsNodeLoss } from './node-loss.ts';
import { afterResult, applyHolds, asksToSlowDown, slowDown, withinSiteLimits, type SiteState } from './site-backoff.ts';

export interface RunInit {
  runId: string;
  orgId: string;
  jobId: string;
  spec: JobSpec;
  createdAt: number;
  edgeUrl: string;
  /** The organization's egress policy when the run started; every task carries it to the fleet. */
  policy?: EgressPolicy;
  /** Concurrency and spacing limits when the run started (absent: none, as for runs started before they existed). */
  politeness?: Politeness;
}

export interface RunSnapshot {
  status: RunStatus;
  counts: RunCounts;
  startedAt: number | null;
  finishedAt: number | null;
  error: Failure | null;
  warnings: RunWarning[];
}

export type LeaseAnswer = { ok: true; leaseMs: number } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' };
export type ResultAnswer = { ok: true; duplicate: boolean; next?: Task } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' };

const BACKLOG_LIMIT = 5000;

const WAIT_MESSAGES = {
  busy: (site: string) => `Waiting for a free slot for ${site} (the site's or the organization's concurrency limit)`,
  spacing: (site: string) => `Spacing requests to ${site} (politeness delay)`,
  turn: (site: string) => `Waiting for a turn on ${site}: other organizations' pages share the site's slots`,
} as const;

/**
 * One per run: owns the frontier, the tasks in flight and their leases, the items (idempotently, by key)
 * and the event stream. Decisions live in machine.ts; this class persists them and talks to the outside.
 */
export class RunCoordinator extends DurableObject<Env> {
  private readonly store: RunStore;
  private readonly details: DetailStore;
  private readonly graph: GraphStore;
  private readonly warningInputs: WarningStore;
  private readonly render: RenderLedger;
  private readonly sessions: SessionStore;
  private readonly live: LiveTaskStore;
  private readonly nodeLosses: NodeLossStore;
  private readonly log = createLogger({ component: 'coordinator' });
  /** Tasks whose wait for a slot was already announced (once per task and reason, not on every retry). */
  private readonly waitNoticed = new Set<string>();
  /** Tasks sent back to pending for want of a slot, with the time they were told to wait until (in memory: after an eviction they simply wait it). */
  private readonly waitingForSlot = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RunStore(ctx.storage.sql);
    this.details = new DetailStore(ctx.storage.sql);
    this.render = new RenderLedger(this.details);
    this.graph = new GraphStore(ctx.storage.sql);
    this.warningInputs = new WarningStore(ctx.storage.sql);
    this.sessions = new SessionStore(ctx.storage.sql);
    this.live = new LiveTaskStore(ctx.storage.sql);
    this.nodeLosses = new NodeLossStore(ctx.storage.sql);
  }

  async start(init: RunInit): Promise<RunSnapshot> {
    const existing = this.store.getMeta();
    if (existing) return this.snapshot();
    const now = Date.now();
    const meta: RunMeta = {
      ...init, status: 'queued', startedAt: null, finishedAt: null, deadline: now + init.spec.limits.runTimeoutMs,
      error: null, retries: 0, items: 0, persisted: false, cancelRequested: false,
    };
    this.store.putMeta(meta);
    const urls = initialUrls(init.spec).slice(0, init.spec.levels?.[0]?.maxPages);
    const first = urls.map((url) => ({ taskId: newId('tsk'), url, depth: 0 }));
    this.store.addTasks(first, now);
    // With levels, the start URLs are the first level's pages (ADR 0040).
    if (init.spec.levels) this.graph.mark(first.map((t) => t.taskId), 0);
    this.emit({ type: 'run.queued', message: `Run queued with ${urls.length} start URL(s), concurrency ${init.spec.concurrency}` });
    const p = init.politeness;
    if (p && init.spec.concurrency > Math.min(p.siteMaxConcurrent, p.orgMaxTasksInFlight)) {
      this.emit({ type: 'log', level: 'warn', message: `The job asks for concurrency ${init.spec.concurrency}, but the organization's limits allow ${p.siteMaxConcurrent} page(s) at once per site and ${p.orgMaxTasksInFlight} in all; pages beyond that wait for a slot (see /v1/policy)`,
        data: { concurrency: init.spec.concurrency, siteMaxConcurrent: p.siteMaxConcurrent, orgMaxTasksInFlight: p.orgMaxTasksInFlight } });
    }
    await this.pump();
    return this.snapshot();
  }

  snapshot(): RunSnapshot {
    const meta = this.requireMeta();
    return { status: meta.status, counts: this.counts(meta), startedAt: meta.startedAt, finishedAt: meta.finishedAt, error: meta.error, warnings: this.warnings(meta) };
  }

  /** The stored event log after a cursor, as JSON lines (GET /v1/runs/{id}/logs while the run is live). */
  /** What the egress policy refused during the run (host, resolved address, reason, resource type). */
  blockedRequests(limit: number) {
    return this.store.blockedRequests(Math.min(limit, 1000));
  }

  eventLog(after: number, limit: number): { lines: string[]; lastSeq: number } {
    const events = this.store.eventsAfter(after, Math.min(limit, BACKLOG_LIMIT));
    return { lines: events.map((e) => JSON.stringify(e)), lastSeq: events.at(-1)?.seq ?? after };
  }

  /**
   * The retention sweep's delete (ADR 0047): every row and the alarm go, for an ended run only. Answers whether
   * there was anything, so the sweep counts real deletions; the object is empty after and answers nothing more.
   */
  async purge(): Promise<{ purged: boolean }> {
    const meta = this.store.getMeta();
    if (meta && !isFinalStatus(meta.status)) return { purged: false };
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    return { purged: meta !== null };
  }

  async cancel(): Promise<RunSnapshot> {
    const meta = this.requireMeta();
    if (!isFinalStatus(meta.status)) await this.finish({ kind: 'cancelled' });
    return this.snapshot();
  }

  async taskStart(taskId: string, leaseToken: string, nodeId: string): Promise<LeaseAnswer> {
    const answer = this.renewLease(taskId, leaseToken);
    const task = this.store.getTask(taskId);
    if (answer.ok) this.live.started(taskId, nodeId, leaseToken, Date.now());
    if (answer.ok && task && task.status === 'queued') {
      this.store.updateTask({ ...task, status: 'running' });
      // The lease just got shorter than the dispatch timeout: wake up in time to notice a dead node.
      const alarm = await this.ctx.storage.getAlarm();
      if (task.leaseDeadline !== null && (alarm === null || alarm > task.leaseDeadline)) await this.ctx.storage.setAlarm(task.leaseDeadline);
      const meta = this.requireMeta();
      if (meta.status === 'queued') {
        this.store.putMeta({ ...meta, status: 'running', startedAt: Date.now() });
        this.emit({ type: 'run.started', message: 'First task started' });
        this.ctx.waitUntil(this.markRunning());
      }
      this.emit({ type: 'task.started', message: `Attempt ${task.attempt} started on ${nodeId}`, taskId, url: task.url, data: { nodeId, attempt: task.attempt, policyAttempt: task.failures + 1 } });
    }
    return answer;
  }

  /** Tasks running now and the node of each (the live view's, ADR 0044). */
  liveTasks(): LiveTask[] {
    return this.live.running();
  }

  taskHeartbeat(taskId: string, leaseToken: string): LeaseAnswer {
    return this.renewLease(taskId, leaseToken);
  }

  taskEvents(taskId: string, leaseToken: string, events: RunEventInput[]): LeaseAnswer {
    const task = this.store.getTask(taskId);
    if (!task) return { ok: false, code: 'NOT_FOUND' };
    if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
    this.emitNodeEvents(task, events);
    return { ok: true, leaseMs: this.leaseMs() };
  }

  /** A node's progress events. Task and run lifecycle events are the coordinator's own: a node's are kept as log lines. */
  private emitNodeEvents(task: TaskRow, events: readonly RunEventInput[]): void {
    for (const e of events) {
      const type = e.type.startsWith('task.') || e.type.startsWith('run.') ? 'log' : e.type;
      this.emit({ ...e, type, taskId: task.taskId, url: e.url ?? task.url });
    }
  }

  async taskResult(taskId: string, result: TaskResult): Promise<ResultAnswer> {
    const task = this.store.getTask(taskId);
    const meta = this.store.getMeta();
    if (!task || !meta) return { ok: false, code: 'NOT_FOUND' };
    const verdict = judgeResult(task, result.leaseToken);
    if (verdict === 'duplicate') return { ok: true, duplicate: true };
    if (verdict === 'stale') return { ok: false, code: 'LEASE_LOST' };
    if (result.events?.length) this.emitNodeEvents(task, result.events);
    const now = Date.now();
    if (result.blocked?.length) this.store.addBlocked(taskId, task.attempt, result.blocked, now);
    this.render.record(siteOf(task.url), result.render);
    if (result.crawlDelayMs && meta.politeness) {
      const site = siteOf(task.url);
      const known = meta.politeness.crawlDelays?.[site] ?? 0;
      if (result.crawlDelayMs > known) {
        this.store.putMeta({ ...meta, politeness: { ...meta.politeness, crawlDelays: { ...meta.politeness.crawlDelays, [site]: result.crawlDelayMs } } });
        this.emit({ type: 'log', level: 'info', taskId, url: task.url, message: `robots.txt of ${site} asks for ${result.crawlDelayMs} ms between requests; spacing pages accordingly` });
      }
    }
    if (result.outcome === 'succeeded') {
      const sealed = await this.sealSession(meta, task, result);
      this.applySuccess(this.requireMeta(), task, result, now, sealed);
      const m = this.requireMeta();
      this.store.putMeta(withSite(m, siteOf(task.url), afterResult(m.sites?.[siteOf(task.url)], m.spec.concurrency, true, now)));
    } else {
      const failure = failureOf(result, task.url);
      if (reportsNodeLoss(failure)) this.applyNodeLoss(task, failure.message, now);
      else this.applyFailure(task, failure, now);
    }
    await this.freeSlot(task);
    // A node with room gets the run's next task in the answer instead of through the queue.
    const [next] = await this.pump(result.acceptNext ? 1 : 0);
    return { ok: true, duplicate: false, ...(next ? { next } : {}) };
  }

  /** A draining node hands a task back: dispatch it again soon, without spending an attempt. */
  async taskRelease(taskId: string, leaseToken: string, reason: string): Promise<LeaseAnswer> {
    const task = this.store.getTask(taskId);
    if (!task) return { ok: false, code: 'NOT_FOUND' };
    if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
    this.store.updateTask({ ...task, status: 'pending', leaseToken: null, leaseDeadline: null, notBefore: Date.now() });
    this.emit({ type: 'task.released', level: 'warn', message: `Task handed back: ${reason}`, taskId, url: task.url });
    await this.freeSlot(task);
    await this.pump();
    return { ok: true, leaseMs: this.leaseMs() };
  }

  /** The dead-letter consumer's report: no node took the task after every queue retry. */
  async dispatchFailed(taskId: string, leaseToken: string): Promise<void> {
    const task = this.store.getTask(taskId);
    if (!task || !leaseIsCurrent(task, leaseToken)) return;
    this.applyNodeLoss(task, 'no fleet node accepted the task after every queue retry', Date.now());
    await this.freeSlot(task);
    await this.pump();
  }

  override async alarm(): Promise<void> {
    const meta = this.store.getMeta();
    if (!meta) return;
    const now = Date.now();
    if (isFinalStatus(meta.status)) {
      if (!meta.persisted) await this.persist();
      return;
    }
    if (now >= meta.deadline) {
      await this.finish({ kind: 'timeout' });
      return;
    }
    for (const t of expiredLeases(this.store.liveTasks(), now)) {
      this.applyNodeLoss(t, expiryOf(t.status).reason, now);
      await this.freeSlot(t);
    }
    await this.pump();
  }

  /** WebSocket subscribers: `?after=<seq>` resumes from a cursor; the backlog is sent first, then live events. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
    const after = Number(new URL(request.url).searchParams.get('after') ?? '0');
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    // The whole history after the cursor, a page at a time, then live events (event-pages.ts).
    const read = (from: number, limit: number) => this.store.eventsAfter(from, limit);
    for (const e of eventsAfterAll(read, Number.isFinite(after) ? after : 0, pageSizeOf(this.env))) server.send(JSON.stringify(e));
    const meta = this.store.getMeta();
    if (meta && isFinalStatus(meta.status)) server.send(JSON.stringify({ type: 'stream.end', status: meta.status }));
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === 'ping') ws.send('pong');
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try { ws.close(code === 1005 ? 1000 : code, 'closing'); } catch { /* already closed */ }
  }

  // ---- internals ----

  private applySuccess(meta: RunMeta, task: TaskRow, result: TaskResult, now: number, sealedSession: string | null = null): void {
    this.warningInputs.add(result.unparsed, result.dropped, result.framed, result.paginationUnfinished);
    this.warningInputs.addAmbiguous(result.ambiguous);
    this.warningInputs.addVisible(result.visibleDiffers);
    if (this.details.isDetail(task.taskId)) {
      this.applyDetailSuccess(task, result);
      return;
    }
    const level = this.graph.levelOf(task.taskId);
    if (level !== null) {
      this.applyLevelSuccess(meta, task, result, level, now);
      return;
    }
    const keyed = result.items.map((data, i) => ({ key: dedupeKeyOf(data, meta.spec.dedupeKey) ?? `${task.taskId}:${i}`, data }));
    const added = this.store.addItems(task.seq, task.url, keyed, meta.spec.limits.maxItems, meta.spec.dedupeKeep);
    const itemsFull = this.store.itemCount() >= meta.spec.limits.maxItems;
    const plan = planDiscovered(result.discovered, keyed.map((k) => (this.details.hasItem(k.key) ? k.key : null)),
      meta.spec.limits.maxPages - this.store.pageCount(), itemsFull, (url) => this.store.hasPage(url));
    for (const [reason, n] of Object.entries(plan.skipped)) this.details.bump(`skipped.${reason}`, n);
    const pages = plan.pages.map((url) => ({ taskId: newId('tsk'), url, depth: task.depth + 1 }));
    let discovered = this.store.addTasks(pages, now);
    if (meta.spec.session?.keep) this.sessions.link(pages.map((p) => p.taskId), task.taskId, task.url, sealedSession);
    discovered += this.details.addDetails(plan.details.map((d) => ({ taskId: newId('tsk'), url: d.url, depth: task.depth + 1, itemKey: d.itemKey })), now);
    this.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
    this.emit({
      type: 'task.succeeded', taskId: task.taskId, url: task.url,
      message: `${result.items.length} item(s), ${added} new; ${discovered} page(s) discovered in ${Math.round(result.timings.totalMs)} ms`,
      data: { items: result.items.length, added, discovered, timings: result.timings, attempt: task.attempt, ...(result.proxyId ? { proxyId: result.proxyId } : {}) },
    });
  }

  /** A task lost with its node, or never taken by one: dispatched again on the node-loss budget (node-loss.ts). */
  private applyNodeLoss(task: TaskRow, reason: string, now: number): void {
    const decision = decideAfterNodeLoss(task, this.nodeLosses.get(task.taskId), reason, now);
    this.nodeLosses.set(task.taskId, decision.losses);
    if (decision.status === 'failed') return this.applyFailure(task, decision.failure, now);
    this.store.updateTask({ ...task, status: 'pending', leaseToken: null, leaseDeadline: null, notBefore: decision.notBefore });
    this.emit({ type: 'task.released', level: 'warn', taskId: task.taskId, url: task.url, message: lossMessage(reason, decision),
      data: { code: 'NODE_LOST', reason, nodeLosses: decision.losses, policyAttempt: task.failures + 1 } });
  }

  private applyFailure(task: TaskRow, failure: Failure, now: number): void {
    const meta = this.requireMeta();
    const decision = decideAfterFailure(task, failure, meta.spec, now, Math.random);
    const error = { ...failure, hint: failure.hint ?? ERRORS[failure.code].hint, attempt: task.attempt };
    // A site that asks to slow down holds every task of it; the retry waits for that hold too, and says so.
    const site = siteOf(task.url);
    const retryAt = decision.status === 'pending' ? decision.notBefore : now + backoffMs(failure, decision.failures, Math.random);
    const state = asksToSlowDown(failure) ? slowDown(meta.sites?.[site], meta.spec.concurrency, failure, retryAt, now)
      : afterResult(meta.sites?.[site], meta.spec.concurrency, false, now);
    if (asksToSlowDown(failure) && state) {
      this.emit({ type: 'log', level: 'warn', taskId: task.taskId, url: task.url, data: { site, ...state },
        message: `${site} asked to slow down (${failure.code}): no page of it starts for ${state.holdUntil - now} ms, then ${state.limit} at a time, ${state.spacingMs} ms apart` });
    }
    const sited = withSite(meta, site, state);
    // Look-alike successes (challenge, login wall, soft 404, empty fields) are counted apart, per attempt.
    if (failure.soft) this.details.bump('softFailures');
    if (decision.status === 'pending') {
      const notBefore = Math.max(decision.notBefore, state?.holdUntil ?? 0);
      this.store.updateTask({ ...task, status: 'pending', failures: decision.failures, leaseToken: null, leaseDeadline: null, notBefore, error });
      this.store.putMeta({ ...sited, retries: meta.retries + 1 });
      this.emit({ type: 'task.retrying', level: 'warn', taskId: task.taskId, url: task.url,
        message: `${failure.code}: ${failure.message}; retrying in ${notBefore - now} ms`, data: { error, retryAt: notBefore, retryInMs: notBefore - now } });
    } else {
      this.store.putMeta(sited);
      this.store.updateTask({ ...task, status: 'failed', failures: decision.failures, leaseDeadline: null, error });
      if (failure.code === 'SESSION_EXPIRED') this.warningInputs.addExpired(failure.step ?? 'navigate');
      // The job's owners are told once per run that its stored login needs redoing (the hand-off, ADR 0044).
      if (loginGoneStale(this.ctx.storage.sql, meta.spec, failure)) this.ctx.waitUntil(reportStaleLogin(this.env, this.log, staleReportOf(meta, failure, task.url)));
      this.emit({ type: 'task.failed', level: 'error', taskId: task.taskId, url: task.url, message: `${failure.code}: ${failure.message}`, data: { error } });
    }
  }

  /** For the signed login and proxy calls: the run's organization, login and proxies, only for the task's current lease. */
  loginRef(taskId: string, leaseToken: string): { ok: true; orgId: string; loginId: string | null; proxy: JobProxy | null } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' } {
    const task = this.store.getTask(taskId);
    const meta = this.store.getMeta();
    if (!task || !meta) return { ok: false, code: 'NOT_FOUND' };
    if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
    return { ok: true, orgId: meta.orgId, loginId: meta.spec.login?.id ?? null, proxy: meta.spec.proxy ?? null };
  }

  /**
   * A navigation level's page: its pagination stays on the level, its links lead to the next level's pages (or,
   * from the last level, to listing pages). Each level's maxPages and the run's bound them; a URL is visited once.
   */
  private applyLevelSuccess(meta: RunMeta, task: TaskRow, result: TaskResult, level: number, now: number): void {
    const levels = meta.spec.levels ?? [];
    const seen = new Set<string>();
    const groups: Array<[number | null, string[]]> = [[level, []], [level + 1 < levels.length ? level + 1 : null, []]];
    for (const d of result.discovered) {
      if (d.kind === 'detail') continue;
      if (seen.has(d.url) || this.store.hasPage(d.url)) { this.details.bump('skipped.duplicate'); continue; }
      seen.add(d.url);
      groups[d.kind === 'link' ? 1 : 0]![1].push(d.url);
    }
    let discovered = 0;
    for (const [to, urls] of groups) {
      const room = Math.max(0, Math.min(meta.spec.limits.maxPages - this.store.pageCount(), to === null ? Infinity : levels[to]!.maxPages - this.graph.countAt(to)));
      this.details.bump('skipped.maxPages', Math.max(0, urls.length - room));
      const tasks = urls.slice(0, room).map((url) => ({ taskId: newId('tsk'), url, depth: task.depth + 1 }));
      discovered += this.store.addTasks(tasks, now);
      if (to !== null) this.graph.mark(tasks.map((t) => t.taskId), to);
    }
    this.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
    this.emit({ type: 'task.succeeded', taskId: task.taskId, url: task.url,
      message: `level "${levels[level]?.name}": ${discovered} page(s) discovered in ${Math.round(result.timings.totalMs)} ms`,
      data: { level: levels[level]?.name, discovered, timings: result.timings, attempt: task.attempt } });
  }

  /** The storage state a page left, sealed for its next pages (ADR 0041); null when the job keeps none or no key is set. */
  private async sealSession(meta: RunMeta, task: TaskRow, result: TaskResult): Promise<string | null> {
    if (!meta.spec.session?.keep || !result.sessionState) return null;
    const key = configOf(this.env).credentialsKey;
    if (!key) {
      this.emit({ type: 'log', level: 'warn', taskId: task.taskId, url: task.url, message: 'The session cannot be kept: this deployment has no CREDENTIALS_KEY to seal it with; the next page starts without it' });
      return null;
    }
    return seal(key, sessionAad(meta.orgId, meta.runId, task.taskId), result.sessionState);
  }

  /** For the signed session call: the sealed state a task starts with, only for its current lease. */
  sessionRef(taskId: string, leaseToken: string): { ok: true; orgId: string; runId: string; fromTask: string | null; stateEnc: string | null } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' } {
    const task = this.store.getTask(taskId);
    const meta = this.store.getMeta();
    if (!task || !meta) return { ok: false, code: 'NOT_FOUND' };
    if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
    const kept = this.sessions.get(taskId);
    return { ok: true, orgId: meta.orgId, runId: meta.runId, fromTask: kept?.fromTask ?? null, stateEnc: kept?.stateEnc ?? null };
  }

  /** What a task of a kept-session job carries: whether a state waits for it, and on a retry the last good page. */
  private sessionOf(meta: RunMeta, t: TaskRow): Task['session'] {
    if (!meta.spec.session?.keep || this.details.isDetail(t.taskId)) return undefined;
    const kept = this.sessions.get(t.taskId);
    if (!kept) return { state: false };
    return { state: kept.stateEnc !== null, ...(t.failures > 0 ? { resumeFrom: kept.fromUrl } : {}) };
  }

  /**
   * A detail page's one item is merged into the listing items that link to it; with `rows`, its records replace
   * them (ADR 0040). A failed one leaves them as they are.
   */
  private applyDetailSuccess(task: TaskRow, result: TaskResult): void {
    const { spec } = this.requireMeta();
    const rows = spec.detail?.rows;
    if (rows) {
      const [written, cut] = this.graph.expandRows(task.url, result.items, rows, spec.limits.maxItems);
      this.details.bump('skipped.maxItems', cut);
      this.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
      this.emit({ type: 'task.succeeded', taskId: task.taskId, url: task.url, message: `detail page: ${written} row record(s) in ${Math.round(result.timings.totalMs)} ms`,
        data: { detail: true, rows: written, timings: result.timings, attempt: task.attempt } });
      return;
    }
    const merged = this.details.mergeInto(task.url, result.items[0]);
    this.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
    this.emit({ type: 'task.succeeded', taskId: task.taskId, url: task.url, message: `detail page merged into ${merged} item(s) in ${Math.round(result.timings.totalMs)} ms`,
      data: { detail: true, merged, timings: result.timings, attempt: task.attempt, ...(result.proxyId ? { proxyId: result.proxyId } : {}) } });
  }

  /** The task's spec for this attempt (a detail page's own; `on-retry` traces resolved for the attempt). */
  private specFor(spec: JobSpec, taskId: string, attempt: number) {
    const level = this.graph.levelOf(taskId);
    const base = (this.details.isDetail(taskId) ? detailTaskSpecOf(spec) : level !== null ? levelTaskSpecOf(spec, level) : null) ?? taskSpecOf(spec);
    return { ...base, artifacts: artifactsForAttempt(base.artifacts, attempt, spec.retry.maxAttempts) };
  }

  private renewLease(taskId: string, leaseToken: string): LeaseAnswer {
    const task = this.store.getTask(taskId);
    if (!task) return { ok: false, code: 'NOT_FOUND' };
    if (!leaseIsCurrent(task, leaseToken) || isFinalStatus(this.requireMeta().status)) return { ok: false, code: 'LEASE_LOST' };
    this.store.updateTask({ ...task, leaseDeadline: Date.now() + this.leaseMs() });
    return { ok: true, leaseMs: this.leaseMs() };
  }

  /**
   * Dispatches what may run now, ends the run when nothing is left, and arms the next alarm. The first `handBack`
   * dispatched tasks are returned for the caller to hand to a node directly; the rest go to the queue.
   */
  private async pump(handBack = 0): Promise<Task[]> {
    const meta = this.requireMeta();
    if (isFinalStatus(meta.status)) return [];
    const now = Date.now();
    const live = this.store.liveTasks();
    if (live.length === 0) {
      await this.finish({ kind: 'drained' });
      return [];
    }
    const { dispatchTimeoutMs } = configOf(this.env);
    // Held sites' tasks are not due yet; a site that asked to slow down gets fewer pages at once (site-backoff.ts).
    const sites = meta.sites ?? {};
    const held = applyHolds(live, sites, siteOf);
    const room = pickDispatchable(held, meta.spec.concurrency, now).length;
    const picked = withinSiteLimits(pickDispatchable(held, Number.MAX_SAFE_INTEGER, now), held, sites, siteOf).slice(0, room);
    const messages: Task[] = picked.map((t) => {
      const leaseToken = randomString(24);
      const attempt = t.attempt + 1;
      this.store.updateTask({ ...t, status: 'queued', attempt, leaseToken, leaseDeadline: now + dispatchTimeoutMs });
      const spec = this.specFor(meta.spec, t.taskId, attempt);
      return {
        runId: meta.runId, orgId: meta.orgId, taskId: t.taskId, attempt, leaseToken, url: t.url, depth: t.depth, kind: this.details.isDetail(t.taskId) ? 'detail' : 'page',
        spec, render: this.render.choose(meta.spec, spec, siteOf(t.url)), login: meta.spec.login, session: this.sessionOf(meta, t),
        ...(meta.spec.proxy ? { proxy: { rotate: meta.spec.proxy.rotate } } : {}), deadline: Math.min(meta.deadline, now + meta.spec.limits.taskTimeoutMs + 10_000),
        edgeUrl: meta.edgeUrl, leaseMs: this.leaseMs(), policy: meta.policy, traceparent: traceparentOf(meta.runId, t.taskId),
      };
    });
    const admitted = await this.admit(meta, messages, now);
    const handed = admitted.slice(0, handBack);
    const queued = admitted.slice(handBack);
    if (queued.length) {
      try {
        await this.env.TASKS.sendBatch(queued.map((body) => ({ body })));
      } catch (err) {
        this.log.error('queue send failed; tasks go back to pending', { runId: meta.runId, err: String(err) });
        for (const m of queued) {
          const t = this.store.getTask(m.taskId);
          if (t && t.leaseToken === m.leaseToken) this.store.updateTask({ ...t, status: 'pending', leaseToken: null, leaseDeadline: null, notBefore: now + 1000 });
          await this.freeSlot({ url: m.url, leaseToken: m.leaseToken });
        }
      }
    }
    await this.ctx.storage.setAlarm(nextWake(applyHolds(this.store.liveTasks(), sites, siteOf), meta.deadline, now));
    return handed;
  }

  /**
   * Politeness: each dispatch needs a slot of the organization's task cap and of the target site's concurrency
   * and spacing, shared by every run of every organization. A task without a slot goes back to pending until then.
   */
  private async admit(meta: RunMeta, messages: Task[], now: number): Promise<Task[]> {
    if (!meta.politeness) return messages;
    const ttlMs = meta.spec.limits.taskTimeoutMs + configOf(this.env).dispatchTimeoutMs;
    const answers = await Promise.all(messages.map((m) => acquireSlot(this.env, meta.orgId, m.url, m.leaseToken, meta.politeness!, ttlMs)));
    const admitted: Task[] = [];
    messages.forEach((m, i) => {
      const answer = answers[i]!;
      if (answer.granted) { admitted.push(m); return; }
      const t = this.store.getTask(m.taskId);
      if (!t || t.leaseToken !== m.leaseToken || t.status !== 'queued') return;
      this.store.updateTask({ ...t, status: 'pending', attempt: t.attempt - 1, leaseToken: null, leaseDeadline: null, notBefore: now + answer.retryInMs });
      this.waitingForSlot.set(t.taskId, now + answer.retryInMs);
      if (!this.waitNoticed.has(`${t.taskId}:${answer.reason}`)) {
        this.waitNoticed.add(`${t.taskId}:${answer.reason}`);
        this.emit({ type: 'task.waiting', taskId: t.taskId, url: t.url, data: { site: answer.site, reason: answer.reason, retryInMs: answer.retryInMs },
          message: WAIT_MESSAGES[answer.reason](answer.site) });
      }
    });
    return admitted;
  }

  private async freeSlot(task: { url: string; leaseToken: string | null }): Promise<void> {
    const meta = this.store.getMeta();
    if (!meta?.politeness || !task.leaseToken) return;
    // A slot of this run came free: its tasks waiting for one may go at the next pump, not at their retry time.
    const now = Date.now();
    const waiting = [...this.waitingForSlot.keys()].map((id) => this.store.getTask(id));
    for (const t of slotWaitersToWake(this.waitingForSlot, waiting, now)) this.store.updateTask({ ...t, notBefore: now });
    this.waitingForSlot.clear();
    await releaseSlot(this.env, meta.orgId, task.url, task.leaseToken).catch((err: unknown) => this.log.warn('releasing a slot failed', { err: String(err) }));
  }

  private async finish(reason: EndReason): Promise<void> {
    const inFlight = this.store.liveTasks().filter((t) => t.status === 'queued' || t.status === 'running');
    const meta = this.requireMeta();
    const now = Date.now();
    const counts = this.counts(meta);
    const fillRates = this.fillRates(meta);
    const previous = await previousRunShape(this.env, meta).catch((err: unknown) => {
      this.log.warn('reading the previous run failed; no comparison', { err: String(err) });
      return null;
    });
    const preview = await previewShape(this.env, meta).catch((err: unknown) => {
      this.log.warn('reading the job\'s preview failed; no comparison', { err: String(err) });
      return null;
    });
    const shape = { items: counts.items, fillRates };
    const warnings = [...this.warnings(meta), ...baselineWarnings(shape, previous), ...previewWarnings(shape, this.details.listingPagesSucceeded(), preview)];
    const ended = finalOutcome(counts, reason, this.store.firstError());
    // A run that would succeed fails on the warnings its job lists (its items are still written).
    const failure = ended.status === 'succeeded' ? warningFailure(warnings, meta.spec.failOnWarnings) : null;
    const outcome = failure ? { status: 'failed' as const, error: failure } : ended;
    this.store.putMeta({ ...meta, status: outcome.status, error: outcome.error, finishedAt: now, cancelRequested: reason.kind === 'cancelled', warnings, fillRates });
    for (const w of warnings) this.emit({ type: 'run.warning', level: 'warn', message: w.message, data: { ...w } });
    this.emit({ type: 'run.finished', level: outcome.status === 'succeeded' ? 'info' : 'warn',
      message: `Run ${outcome.status}: ${counts.items} item(s) from ${counts.pagesSucceeded} page(s), ${counts.pagesFailed} failed${warnings.length ? `, ${warnings.length} warning(s)` : ''}`,
      data: { status: outcome.status, counts, error: outcome.error, warnings } });
    await Promise.all(inFlight.map((t) => this.freeSlot(t)));
    await this.persist();
  }

  /** Writes results, the event log and the D1 row; retried by the alarm until it succeeds. */
  private async persist(): Promise<void> {
    const meta = this.requireMeta();
    try {
      await persistRun(this.env, meta, this.counts(meta), this.warnings(meta), this.store);
      this.store.putMeta({ ...this.requireMeta(), persisted: true });
      // Once, after the run is in D1 (ADR 0046); a failure to notify never holds the run back.
      await notifyRunEnd(this.env, { ...meta, counts: this.counts(meta), warnings: this.warnings(meta) })
        .catch((err: unknown) => this.log.error('notifying the run\'s end failed', { runId: meta.runId, err: String(err) }));
      for (const ws of this.ctx.getWebSockets()) {
        try { ws.send(JSON.stringify({ type: 'stream.end', status: meta.status })); } catch { /* gone */ }
      }
      await this.ctx.storage.deleteAlarm();
    } catch (err) {
      this.log.error('persisting the run failed; retrying', { runId: meta.runId, err: String(err) });
      await this.ctx.storage.setAlarm(Date.now() + 2000);
    }
  }

  private async markRunning(): Promise<void> {
    const meta = this.requireMeta();
    await this.env.DB.prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'")
      .bind(meta.startedAt, meta.runId).run();
  }

  private counts(meta: RunMeta): RunCounts {
    const s = this.store.statusCounts();
    const skipped = { maxPages: this.details.counter('skipped.maxPages'), maxItems: this.details.counter('skipped.maxItems'), duplicate: this.details.counter('skipped.duplicate') };
    return { pagesSucceeded: s.succeeded, pagesFailed: s.failed, pagesPending: s.pending + s.queued + s.running, items: this.store.itemCount(), retries: meta.retries,
      pagesSoftFailed: this.details.counter('softFailures'), skipped, render: this.render.counts() };
  }

  /** The run's warnings: fixed when it ended, else what its results say so far. */
  private warnings(meta: RunMeta): RunWarning[] {
    if (meta.warnings) return meta.warnings;
    return warningsOf({ unparsed: this.warningInputs.unparsed(), dropped: this.warningInputs.dropped(), framed: this.warningInputs.framed(),
      skipped: this.counts(meta).skipped, pagination: this.warningInputs.pagination(), ambiguous: this.warningInputs.ambiguous(),
      expired: this.warningInputs.expired(), visible: this.warningInputs.visible(), renderLost: this.render.lost() });
  }

  private fillRates(meta: RunMeta) {
    const counter = new FillCounter([...Object.keys(meta.spec.fields), ...Object.keys(meta.spec.detail?.fields ?? {}), ...Object.keys(meta.spec.detail?.rows?.columns ?? {})]);
    for (const page of this.store.itemPages()) for (const it of page) counter.add(JSON.parse(it.data) as Record<string, unknown>);
    return counter.rates();
  }

  private emit(e: RunEventInput): RunEvent {
    const event = this.store.appendEvent(e, Date.now());
    const json = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      try { ws.send(json); } catch { /* a closed socket is dropped by the runtime */ }
    }
    return event;
  }

  private leaseMs(): number {
    return configOf(this.env).leaseMs;
  }

  private requireMeta(): RunMeta {
    const meta = this.store.getMeta();
    if (!meta) throw new Error('run not initialised');
    return meta;
  }
}

/** The meta with one site's backoff state set (or dropped once the site recovered). */
function withSite(meta: RunMeta, site: string, state: SiteState | undefined): RunMeta {
  if (meta.sites?.[site] === state) return meta;
  const { [site]: _old, ...rest } = meta.sites ?? {};
  return { ...meta, sites: state ? { ...rest, [site]: state } : rest };
}
