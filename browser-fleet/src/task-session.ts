import { NextTask, TaskKeptSession, TaskLogin, type StorageState, TaskProxies, parseTraceparent, traceIdOf, type Task, type TaskResult } from '@trawl/schemas';
import type { LoginAccess } from './rules/login.ts';
import { ArtifactRecorder } from './artifacts/recorder.ts';
import { uploadArtifacts } from './artifacts/upload.ts';
import { Secrets } from './secrets.ts';
import { sleep, type EdgeAnswer, type EdgeClient } from './edge-client.ts';
import { EventBatcher } from './event-batcher.ts';
import type { StopReason } from './failure.ts';
import type { Logger } from './log.ts';
import type { ContextSource } from './pool.ts';
import type { EgressProxy } from './egress/proxy.ts';
import type { FleetMetrics } from './metrics/fleet-metrics.ts';
import { executeTask } from './fast/render-executor.ts';
import type { WarmContexts } from './warm-contexts.ts';
import type { KeptPages } from './kept-pages.ts';
import { combineObservers, type TaskObserver } from './task-observer.ts';
import type { SpanSink } from './telemetry/otlp-exporter.ts';
import { TaskSpans } from './telemetry/task-spans.ts';
import type { TaskPages } from './live/task-pages.ts';
import { slotKindOf } from './limiter.ts';
import type { ResultPoster } from './result-poster.ts';

export interface SessionDeps {
  pool: ContextSource;
  edge: EdgeClient;
  nodeId: string;
  log: Logger;
  /** How long after the deadline a finished result is still worth retrying. */
  resultGraceMs?: number;
  metrics?: FleetMetrics;
  /** Where task and step spans go (OTLP when configured). */
  spans?: SpanSink;
  /** Every task's browser traffic goes through this proxy (egress/proxy.ts). */
  egress?: EgressProxy;
  /** Contexts made ahead of time (warm-contexts.ts). */
  warm?: WarmContexts | undefined;
  /** Pages kept between the tasks of one run (kept-pages.ts, ADR 0062). */
  kept?: KeptPages | undefined;
  /** Whether the node takes another task in the answer to this one's result (it is not draining). */
  acceptNext?: () => boolean;
  /**
   * Where a task handed ahead of this browser page goes (ADR 0069): asked for with the page's start, given the
   * moment the page is done (before its artifacts and result), to run in its slot; its lease token when it runs.
   * Absent: none is asked for.
   */
  ahead?: (next: NextTask) => Promise<string | null>;
  /** The node's pages of tasks in flight, for the live view (ADR 0044). */
  pages?: TaskPages;
  /** Where fast-path results go, batched per run (ADR 0061); absent: each is posted alone. */
  results?: ResultPoster;
  /** The fast path's light tier (ADR 0068). */
  lightDom?: boolean;
}

/** How long a task's events wait to be sent in one batch (or with the result, when it comes first): a browser page's. */
const EVENTS_FLUSH_MS = 1000;
/** A fast-path page's: its events wait for its result, which is batched with others of its run (ADR 0061). */
const FAST_EVENTS_FLUSH_MS = 2000;

/** How long a node keeps trying to announce a task start before it lets the lease expire. */
const START_TRY_MS = 5000;

/**
 * One accepted task from start to report: announce the start, renew the lease every leaseMs/3,
 * stream events, run the page, post the result. A 409 at any point means the lease is lost: the
 * page is stopped and nothing more is posted. On shutdown the task is handed back (released).
 */
export class TaskSession {
  readonly #abort = new AbortController();
  readonly #log: Logger;

  constructor(readonly task: Task, private readonly deps: SessionDeps, private readonly acceptedAt = performance.now()) {
    // The run id is the trace id: these lines join the edge's and any span backend's on it.
    const traceId = parseTraceparent(task.traceparent)?.traceId ?? traceIdOf(task.runId);
    this.#log = deps.log.child({ runId: task.runId, taskId: task.taskId, orgId: task.orgId, traceId });
  }

  /** Stops the task now; 'shutdown' also releases it to the edge. */
  stop(reason: StopReason): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
  }

  get stopReason(): StopReason | null {
    return this.#abort.signal.aborted ? (this.#abort.signal.reason as StopReason) : null;
  }

  /** Never rejects. Resolves to the task the edge handed back with the result, if it did (see NextTask). */
  async run(): Promise<NextTask | null> {
    const { task, deps } = this;
    // A fast-path task (ADR 0058) takes a fraction of a start call's round trip: its start goes with its result
    // (`startedOn`), fenced by the same lease token; a stale lease only costs the node one fetch.
    const announce = slotKindOf(task) === 'browser';
    // A browser task's start is announced while its page is being made (ADR 0062), not before: the round trip is
    // off the task's path. Its events and its result wait for the answer; a start the edge refuses stops the page.
    const starting: Promise<EdgeAnswer> = announce ? this.#announceStart(deps.ahead !== undefined && (deps.acceptNext?.() ?? true)) : Promise.resolve({ kind: 'ok', body: null });
    void starting.then((a) => {
      if (a.kind !== 'ok') this.stop('lease-lost');
    });
    const waitForSlotMs = Math.round(performance.now() - this.acceptedAt);
    deps.metrics?.slotWait.observe(waitForSlotMs / 1000);
    const secrets = new Secrets();
    const recorder = await ArtifactRecorder.create(task.spec.artifacts, secrets).catch(() => null);
    const spans = deps.spans ? new TaskSpans(task, deps.spans) : null;
    const observers: TaskObserver[] = [recorder, spans].filter((o): o is ArtifactRecorder | TaskSpans => o !== null);
    if (deps.pages) observers.push(deps.pages.begin(task));
    const lose = (): void => this.stop('lease-lost');
    const keeper = this.#keepLease(lose);
    // Events wait up to a second (not 200 ms): a page done within it sends them with its result, one edge call fewer
    // per task (ADR 0062); a longer page still streams its progress every second. A fast-path page's few events ride
    // with its (batched) result unless it runs long (ADR 0061).
    const batcher = new EventBatcher({ flushMs: announce ? EVENTS_FLUSH_MS : FAST_EVENTS_FLUSH_MS, send: async (events) => (await starting).kind === 'ok' ? deps.edge.events(task, events) : { kind: 'gone', status: 409 }, onGone: lose });
    const result = await executeTask(task, deps.pool, {
      nodeId: deps.nodeId,
      onEvent: (e) => batcher.push(e),
      signal: this.#abort.signal,
      waitForSlotMs,
      lightDom: deps.lightDom,
      observer: observers.length ? combineObservers(observers) : undefined,
      egress: deps.egress,
      ...(deps.warm ? { warm: deps.warm } : {}),
      ...(deps.kept ? { kept: deps.kept } : {}),
      login: task.login ? this.#loginAccess() : undefined,
      ...(task.proxy ? { proxies: () => this.#proxies() } : {}),
      ...(task.session?.state ? { session: () => this.#session() } : {}),
      secrets,
    }).finally(() => deps.pages?.end(task.taskId));
    // The page is done: the task handed ahead of it starts now, in its slot, while this one reports (ADR 0069).
    const aheadLease = await this.#handAhead(await starting);
    // Uploads happen while the lease is still renewed; the result then names what was stored.
    const files = await recorder?.collect(result.outcome === 'failed') ?? [];
    if (files.length && !this.stopReason) await this.#attach(result, files);
    const start = await starting;
    if (start.kind !== 'ok') {
      clearInterval(keeper);
      batcher.stop();
      spans?.end(null);
      this.#log.warn('task dropped: the edge did not confirm its start', { answer: start.kind });
      deps.metrics?.taskFinished('dropped', undefined, null);
      return null;
    }
    const reason = this.stopReason;
    spans?.end(reason ? null : result);
    deps.metrics?.taskFinished(reason ? 'dropped' : result.outcome, result.error?.code, (performance.now() - this.acceptedAt) / 1000);
    if (reason) {
      clearInterval(keeper);
      batcher.stop();
      if (reason === 'shutdown') await this.#release('the fleet node is shutting down');
      else this.#log.warn('lease lost; task dropped without a result');
      return null;
    }
    const events = await batcher.drain();
    if (events.length) result.events = events.map((e) => ({ ...e, level: e.level ?? 'info' }));
    if (aheadLease) result.ahead = aheadLease;
    else if (deps.acceptNext?.()) result.acceptNext = true;
    if (!announce) result.startedOn = deps.nodeId;
    const until = task.deadline + (deps.resultGraceMs ?? 30_000);
    // Fast-path results finish many at a time: those of one run share a request (ADR 0061); a browser page's goes alone.
    // The lease is renewed until the result is answered: a result that waits for its batch or a slow edge must not
    // arrive after its lease ran out, which would count a node loss for a page that was done.
    const answer = await (!announce && deps.results ? deps.results.post(task, result, until) : deps.edge.result(task, result, until))
      .finally(() => clearInterval(keeper));
    this.#log[answer.kind === 'ok' ? 'info' : 'warn'](`task ${result.outcome}; result ${answer.kind === 'ok' ? 'delivered' : `not delivered (${answer.kind})`}`, {
      outcome: result.outcome, code: result.error?.code, error: result.error?.message, items: result.items.length, totalMs: result.timings.totalMs,
    });
    const next = answer.kind === 'ok' ? NextTask.safeParse((answer.body as { next?: unknown } | null)?.next) : null;
    return next?.success ? next.data : null;
  }

  /** Gives the task the start's answer handed ahead, if any, to the node; its lease token when it runs, for the result. */
  async #handAhead(start: EdgeAnswer): Promise<string | null> {
    if (start.kind !== 'ok' || !this.deps.ahead) return null;
    const next = NextTask.safeParse((start.body as { next?: unknown } | null)?.next);
    return next.success ? this.deps.ahead(next.data) : null;
  }

  async #attach(result: TaskResult, files: Awaited<ReturnType<ArtifactRecorder['collect']>>): Promise<void> {
    const up = await uploadArtifacts(this.deps.edge, this.task, files, this.#log);
    if (up.leaseLost) this.stop('lease-lost');
    if (up.refs.length) result.artifacts = up.refs;
    for (const r of up.refs) this.deps.metrics?.artifactBytes.inc({ kind: r.kind }, r.bytes);
  }

  /** The job's stored login over signed calls with this task's lease. */
  #loginAccess(): LoginAccess {
    const { edge } = this.deps;
    return {
      load: async () => {
        const a = await edge.loginSession(this.task);
        if (a.kind !== 'ok') throw new Error(`the edge answered ${a.kind === 'rejected' || a.kind === 'gone' ? `HTTP ${a.status}` : a.reason}`);
        return TaskLogin.parse(a.body);
      },
      save: async (state) => {
        const a = await edge.saveLoginState(this.task, state);
        if (a.kind !== 'ok') throw new Error(`saving the session failed (${a.kind})`);
      },
    };
  }

  /** The job's upstream proxies, credentials included, over a signed call with this task's lease (ADR 0035). */
  async #proxies(): Promise<TaskProxies> {
    const a = await this.deps.edge.taskProxies(this.task);
    if (a.kind !== 'ok') throw new Error(`the edge answered ${a.kind === 'rejected' || a.kind === 'gone' ? `HTTP ${a.status}` : a.reason}`);
    return TaskProxies.parse(a.body);
  }

  /** The kept session's state over a signed call with this task's lease (ADR 0041). */
  async #session(): Promise<StorageState | null> {
    const a = await this.deps.edge.taskSession(this.task);
    if (a.kind !== 'ok') throw new Error(`the edge answered ${a.kind === 'rejected' || a.kind === 'gone' ? `HTTP ${a.status}` : a.reason}`);
    return TaskKeptSession.parse(a.body).storageState;
  }

  /** Network errors and 5xx are retried briefly; after that the edge's lease alarm re-dispatches. */
  async #announceStart(ahead: boolean): Promise<EdgeAnswer> {
    const until = Math.min(Date.now() + START_TRY_MS, this.task.deadline);
    for (let attempt = 0; ; attempt++) {
      const answer = await this.deps.edge.taskStart(this.task, ahead);
      if (answer.kind !== 'retry' || Date.now() >= until || this.#abort.signal.aborted) return answer;
      await sleep(Math.min(1000, 100 * 2 ** attempt), this.#abort.signal);
    }
  }

  #keepLease(onLost: () => void): NodeJS.Timeout {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      this.deps.edge.leaseHeartbeat(this.task).then((a) => {
        if (a.kind === 'gone') onLost();
        else if (a.kind !== 'ok') this.#log.warn('lease renewal failed', { answer: a.kind });
      }).finally(() => {
        busy = false;
      });
    }, Math.max(100, Math.floor(this.task.leaseMs / 3)));
  }

  async #release(reason: string): Promise<void> {
    const answer = await this.deps.edge.release(this.task, reason);
    this.#log.info('task released to the edge', { answer: answer.kind });
  }
}
