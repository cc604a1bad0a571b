import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Task, fleetPaths, type NextTask, type NodeHealth, type NodeHeartbeat } from '@trawl/schemas';
import { parseSigned } from './signed.ts';
import pkg from '../package.json' with { type: 'json' };
import { createApp } from './app.ts';
import type { FleetConfig } from './config.ts';
import { EdgeClient, sleep } from './edge-client.ts';
import { Limiter, slotKindOf, type SlotKind } from './limiter.ts';
import { createLogger, messageOf, type Logger } from './log.ts';
import { FleetMetrics } from './metrics/fleet-metrics.ts';
import { BrowserPool } from './pool.ts';
import { planSandbox, type SandboxPlan } from './chromium-user.ts';
import { parseAllowance } from './egress/allowance.ts';
import { EgressProxy } from './egress/proxy.ts';
import { parseHosts, resolverWith } from './egress/resolver.ts';
import { exporterFromEnv } from './telemetry/otlp-exporter.ts';
import { TaskSession } from './task-session.ts';
import { WarmContexts } from './warm-contexts.ts';
import { KeptPages } from './kept-pages.ts';
import { runPreview } from './preview.ts';
import { BrowserSessions } from './sessions/browser-sessions.ts';
import { TaskPages } from './live/task-pages.ts';
import { TaskScreencasts } from './live/screencast.ts';
import { ResultPoster } from './result-poster.ts';

export interface FleetNode {
  /** Where this node listens (FLEET_PUBLIC_URL when set). */
  url: string;
  nodeId: string;
  health(): NodeHealth;
  /** Drains (up to FLEET_DRAIN_MS), releases unfinished tasks, stops the browsers. Idempotent. */
  close(): Promise<void>;
}

export interface FleetNodeOptions {
  log?: Logger;
  /** How long close() waits for stopped tasks to post their release. */
  releaseWaitMs?: number;
  /** A pool owned by the caller (tests share one per file); close() leaves it running. */
  pool?: BrowserPool;
  /** Told when a task is taken and when it is over (main.ts passes it to its supervisor); must not throw. */
  onTask?: (phase: 'started' | 'ended', task: Task) => void;
}

const portOfUrl = (u: string): number => {
  const url = new URL(u);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
};

/** A task is identified by id and lease: a re-dispatch after lease expiry is a new attempt. */
const keyOf = (t: Task): string => `${t.taskId}:${t.leaseToken}`;

/** A task handed to the node with an answer, run in the slot that freed or in one of its own; null: not run. */
type Taken = { task: Task; slot: 'freed' | 'own' } | null;

/** Starts a fleet node in this process: browsers first, then the HTTP server, then heartbeats. */
export async function startFleetNode(config: FleetConfig, opts: FleetNodeOptions = {}): Promise<FleetNode> {
  const log = opts.log ?? createLogger({ nodeId: config.nodeId });
  const startedAt = Date.now();
  // Every task's traffic leaves through the egress proxy; the node's own pool refuses contexts without one.
  const egress = new EgressProxy({ allow: parseAllowance(config.egressAllow), resolve: resolverWith(parseHosts(config.hosts)) });
  if (egress.allow.entries.length) log.warn('egress allows private addresses (development only)', { allow: egress.allow.entries });
  // A remote CDP endpoint runs its browsers elsewhere: nothing to plan here, and nothing known about its sandbox.
  const sandbox: SandboxPlan | null = config.cdpEndpoint ? null : await planSandbox({ user: config.chromiumUser, noSandbox: config.chromiumNoSandbox });
  for (const w of sandbox?.warnings ?? []) log.warn(w);
  if (sandbox) log.info('browsers run as', { user: sandbox.identity?.name ?? 'the node\'s own user', sandbox: sandbox.sandbox });
  // Launched with the first browser task (or preview), stopped after browserIdleMs without one (ADR 0065).
  const pool = opts.pool ?? new BrowserPool({ browsers: config.browsers, chromiumPath: config.chromiumPath, cdpEndpoint: config.cdpEndpoint, log, requireProxy: true,
    idleMs: config.browserIdleMs ?? 60_000, ...(sandbox ? { sandbox } : {}) });
  // Whatever the allowance says, pages never reach the node's control port, the edge or a browser's CDP port.
  if (config.edgeUrl) egress.allow.reserve(portOfUrl(config.edgeUrl));
  egress.allow.reserve(() => pool.debugPorts());
  const keptIdleMs = config.keptIdleMs ?? 2000;
  // Not filled at start (the browser is not running yet); with kept pages, filled when a context is closed, not kept.
  const warm = config.warmContexts > 0 ? new WarmContexts({ source: pool, egress, size: config.warmContexts, log, refillOnMiss: keptIdleMs === 0,
    ...((config.warmIdleMs ?? 5000) > 0 ? { idleMs: config.warmIdleMs ?? 5000 } : {}) }) : undefined;
  const limiter = new Limiter(config.slots, config.httpSlots ?? 0);
  const kept = keptIdleMs > 0 ? new KeptPages({ max: config.slots, idleMs: keptIdleMs }) : undefined;
  // Session browsers are started here even with TRAWL_CDP_ENDPOINT: a remote browser could not reach the lane on loopback.
  const browserSessions = new BrowserSessions({ chromiumPath: config.chromiumPath, sandbox: sandbox ?? undefined, egress, limiter, log, nodeId: config.nodeId, onSlotFreed: () => onSlotFreed() });
  egress.allow.reserve(() => browserSessions.debugPorts());
  const edge = new EdgeClient(config.secret, config.nodeId, log);
  const results = config.resultBatch === false ? undefined
    : new ResultPoster({ single: (t, r, until) => edge.result(t, r, until), batch: (u, runId, b, until) => edge.results(u, runId, b, until), log });
  const sessions = new Map<string, { session: TaskSession; done: Promise<void> }>();
  // Pages of tasks in flight, screencast only while the edge holds a live view of one (ADR 0044).
  const taskPages = new TaskPages();
  const screencasts = new TaskScreencasts({ secret: config.secret, pages: taskPages, log });
  const metrics = new FleetMetrics({ inFlight: () => limiter.inFlight, slots: () => limiter.slots, browsers: () => pool.browsers, contexts: () => pool.contexts });
  const spans = config.otlpEndpoint ? exporterFromEnv({ ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: config.otlpEndpoint }, log) : undefined;
  let url = config.publicUrl ?? '';

  const heartbeat = (): NodeHeartbeat => ({
    nodeId: config.nodeId, url, slots: limiter.slots, free: limiter.free, inFlight: limiter.inFlight,
    draining: limiter.draining, version: pkg.version,
  });
  const health = (): NodeHealth => ({
    ...heartbeat(), ok: !limiter.draining && !pool.failing, browsers: pool.browsers, contexts: pool.contexts,
    rssBytes: process.memoryUsage.rss(), uptimeMs: Date.now() - startedAt,
    sandbox: sandbox?.sandbox ?? null, chromiumUser: sandbox?.identity?.name ?? null, warnings: sandbox?.warnings ?? [],
    screencasts: screencasts.count, sessions: browserSessions.count,
  });

  // Tell the edge at once when a slot frees (debounced), instead of at the next periodic heartbeat.
  let onSlotFreed = (): void => undefined;
  const app = createApp({
    secret: config.secret, nodeId: config.nodeId, limiter, log, health, metrics, metricsToken: config.metricsToken,
    isRunning: (t) => sessions.has(keyOf(t)),
    preview: (task, screenshot) => runPreview(task, { pool, nodeId: config.nodeId, egress }, screenshot),
    accept: (task, slot) => startSession(task, slot),
    openSession: (req) => browserSessions.open(req),
  });

  /**
   * Runs an admitted task (its slot reserved); when it ends, its slot goes to the task handed back with its result,
   * if any and of the same kind; one of the other kind needs a free slot of its own.
   */
  function startSession(offered: Task, slot: SlotKind): void {
    // A task handed ahead waited for the page before it (ADR 0069): its budget runs from now.
    const task = offered.budgetMs ? { ...offered, deadline: Math.min(offered.deadline, Date.now() + offered.budgetMs) } : offered;
    // The task handed ahead of this page, taken into its slot the moment the page is done.
    let handedOver: Promise<Taken> | null = null;
    const take = (next: NextTask, via: 'result' | 'ahead'): Promise<Taken> => takeNext(next, slot, via).catch((e: unknown) => {
      log.error(`taking the task handed ${via === 'ahead' ? 'ahead' : 'back with a result'} failed`, { error: messageOf(e) });
      return null;
    });
    const session = new TaskSession(task, {
      pool, edge, nodeId: config.nodeId, log, metrics, spans, egress, warm, kept, acceptNext: () => !limiter.draining, pages: taskPages, results, lightDom: config.lightDom,
      ...(config.ahead === false ? {} : { ahead: async (next: NextTask) => (await (handedOver ??= take(next, 'ahead')))?.task.leaseToken ?? null }),
    });
    const done = session.run()
      .catch((e: unknown) => {
        log.error('task session failed', { runId: task.runId, taskId: task.taskId, error: messageOf(e) });
        return null;
      })
      .then(async (next) => {
        sessions.delete(keyOf(task));
        opts.onTask?.('ended', task);
        if ((await handedOver)?.slot === 'freed') {
          // The slot went to the task ahead; one handed back as well (not asked for) goes back to the edge.
          if (next) await giveBack(next);
          return;
        }
        if (next && (await take(next, 'result'))?.slot === 'freed') return;
        limiter.release(slot);
        onSlotFreed();
      });
    sessions.set(keyOf(task), { session, done });
    opts.onTask?.('started', task);
  }

  /**
   * A task the edge handed back with a result or ahead with a start, checked like an offer (signature, schema) and
   * run in the slot that just freed ('freed') or, of another kind, in one of its own ('own'). Refused (draining, bad
   * signature, already running, no slot of its kind): null, and a valid one goes back to the edge.
   */
  async function takeNext(next: NextTask, freed: SlotKind, via: 'result' | 'ahead'): Promise<Taken> {
    const parsed = await verified(next);
    if (!parsed.ok) {
      log.error(`a task handed ${via === 'ahead' ? 'ahead' : 'back with a result'} was refused`, { reason: parsed.message });
      return null;
    }
    const task = parsed.data;
    if (sessions.has(keyOf(task))) return null;
    if (limiter.draining) {
      await edge.release(task, 'the fleet node is shutting down');
      return null;
    }
    const want = limiter.kindFor(slotKindOf(task));
    if (want !== freed) {
      // Another kind of slot: take one of its own; none free, the task goes back to the edge (no attempt spent).
      const slot = limiter.tryAcquire(want);
      if (!slot) {
        await edge.release(task, `no free ${want} slot on this node`);
        return null;
      }
      log.info('task accepted', { runId: task.runId, taskId: task.taskId, orgId: task.orgId, traceparent: task.traceparent, attempt: task.attempt, url: task.url, via, slot });
      startSession(task, slot);
      return { task, slot: 'own' };
    }
    log.info('task accepted', { runId: task.runId, taskId: task.taskId, orgId: task.orgId, traceparent: task.traceparent, attempt: task.attempt, url: task.url, via, slot: freed });
    startSession(task, freed);
    return { task, slot: 'freed' };
  }

  /** A task handed to the node with an answer, checked as an offer is (the edge's signature, the schema). */
  function verified(next: NextTask) {
    return parseSigned(config.secret, new Headers(next.headers), 'POST', fleetPaths.tasks, next.body, Task, 'task');
  }

  /** A task handed back that this node will not run goes back to the edge (no attempt spent). */
  async function giveBack(next: NextTask): Promise<void> {
    const parsed = await verified(next);
    if (parsed.ok) await edge.release(parsed.data, 'this node ran the task handed ahead in the slot instead');
  }

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!browserSessions.handleUpgrade(req, socket, head)) void screencasts.handleUpgrade(req, socket, head).then((ok) => ok || socket.destroy(), () => socket.destroy());
  });
  const { port } = server.address() as AddressInfo;
  egress.allow.reserve(port);
  url ||= `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const beat = async (): Promise<void> => {
    if (!config.edgeUrl) return;
    const a = await edge.heartbeat(config.edgeUrl, heartbeat());
    if (a.kind !== 'ok') log.warn('heartbeat not accepted', { answer: a.kind });
  };
  if (!config.edgeUrl) log.warn('TRAWL_EDGE_URL is not set: this node sends no heartbeats');
  void beat();
  const beatTimer = setInterval(() => void beat(), config.heartbeatMs);
  let soon: NodeJS.Timeout | null = null;
  onSlotFreed = () => {
    soon ??= setTimeout(() => { soon = null; void beat(); }, 50);
  };
  log.info('fleet node listening', { url, slots: config.slots, browsers: config.browsers, remote: Boolean(config.cdpEndpoint) });

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    if (soon) clearTimeout(soon);
    onSlotFreed = () => undefined;
    limiter.drain();
    // An interactive session cannot move to another node: it ends now rather than holding the drain.
    await browserSessions.closeAll();
    screencasts.close();
    await beat(); // the edge stops dispatching here at once, not at the next beat
    const idle = await limiter.waitIdle(config.drainMs);
    if (!idle) {
      log.warn('drain time is over; releasing unfinished tasks', { inFlight: limiter.inFlight });
      const pending = [...sessions.values()];
      for (const { session } of pending) session.stop('shutdown');
      await Promise.race([Promise.all(pending.map((p) => p.done)), sleep(opts.releaseWaitMs ?? 5000)]);
    }
    clearInterval(beatTimer);
    await beat();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    await warm?.close();
    await kept?.close();
    if (!opts.pool) await pool.close();
    await spans?.close();
    log.info('fleet node stopped');
  };

  return { url, nodeId: config.nodeId, health, close: () => (closing ??= close()) };
}
