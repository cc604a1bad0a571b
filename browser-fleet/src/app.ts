import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ERRORS, SessionOpen, Task, TaskOffer, fleetPaths, type TaskOfferAnswer, type PreviewResult, type SessionOpened, timingSafeEqual, type ErrorCode, type ErrorIssue, type NodeHealth } from '@trawl/schemas';
import { parseSigned } from './signed.ts';
import { slotKindOf, type Limiter, type SlotKind } from './limiter.ts';
import type { Logger } from './log.ts';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/registry.ts';
import type { FleetMetrics } from './metrics/fleet-metrics.ts';

export interface AppDeps {
  secret: string;
  nodeId: string;
  limiter: Limiter;
  log: Logger;
  health: () => NodeHealth;
  /** Takes an admitted task (its slot, of this kind, already reserved) and runs it in the background. */
  accept: (task: Task, slot: SlotKind) => void;
  /** True when this exact task (id and lease) is already running here: a redelivery. */
  isRunning: (task: Task) => boolean;
  metrics?: FleetMetrics;
  metricsToken?: string | undefined;
  /** Runs one task synchronously for POST /v1/preview (its slot already reserved). */
  preview?: (task: Task, screenshot: boolean) => Promise<PreviewResult>;
  /** Opens a browser session (sessions/browser-sessions.ts); null when no slot is free. */
  openSession?: (req: SessionOpen) => Promise<SessionOpened | null>;
}

const PreviewBody = z.object({ task: Task, screenshot: z.boolean().default(true) });

function fail(c: Context, code: ErrorCode, message: string, issues?: ErrorIssue[]): Response {
  const info = ERRORS[code];
  const details = issues ? { details: { issues } } : {};
  return c.json({ error: { code, message, hint: info.hint, ...details } }, info.status as 400 | 401 | 404 | 503);
}

type Signed<T> = { ok: true; data: T } | { ok: false; res: Response };

/** A body signed by the edge and valid for `schema`, or the answer to send instead (401 or 400 with the issues). */
async function signedBody<T extends z.ZodType>(c: Context, secret: string, schema: T, what: string): Promise<Signed<z.infer<T>>> {
  const parsed = await parseSigned(secret, c.req.raw.headers, 'POST', c.req.path, await c.req.text(), schema, what);
  return parsed.ok ? parsed : { ok: false, res: fail(c, parsed.code, parsed.message, parsed.issues) };
}

/** The node's HTTP surface: the edge offers tasks here; /health is open and reveals nothing secret. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.get(fleetPaths.health, (c) => c.json(deps.health()));
  app.get(fleetPaths.metrics, (c) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (deps.metricsToken && !timingSafeEqual(presented, deps.metricsToken)) return fail(c, 'UNAUTHORIZED', 'metrics need "Authorization: Bearer <FLEET_METRICS_TOKEN>"');
    return c.body(deps.metrics?.render() ?? '', 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });

  app.post(
    fleetPaths.tasks,
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => fail(c, 'INVALID_REQUEST', 'task body larger than 1 MiB') }),
    async (c) => {
      const signed = await signedBody(c, deps.secret, Task, 'task');
      if (!signed.ok) return signed.res;
      const task = signed.data;
      // Queues deliver at least once: a repeat of a task we are running is accepted, not run twice.
      if (deps.isRunning(task)) return c.json({ accepted: true, nodeId: deps.nodeId }, 202);
      // A fast-path task takes an http slot (ADR 0058): it opens no browser page unless it falls back to one.
      const slot = deps.limiter.tryAcquire(slotKindOf(task));
      if (!slot) {
        c.header('Retry-After', '1');
        return fail(c, 'FLEET_BUSY', deps.limiter.draining ? 'the node is draining' : 'no free slot on this node');
      }
      deps.log.info('task accepted', { runId: task.runId, taskId: task.taskId, orgId: task.orgId, traceparent: task.traceparent, attempt: task.attempt, url: task.url, slot });
      deps.accept(task, slot);
      return c.json({ accepted: true, nodeId: deps.nodeId }, 202);
    },
  );

  // Several tasks in one offer (ADR 0064): taken in order while a slot of each one's kind is free; the answer says which.
  app.post(
    fleetPaths.taskBatch,
    bodyLimit({ maxSize: 4 * 1024 * 1024, onError: (c) => fail(c, 'INVALID_REQUEST', 'offer body larger than 4 MiB') }),
    async (c) => {
      const signed = await signedBody(c, deps.secret, TaskOffer, 'task offer');
      if (!signed.ok) return signed.res;
      if (deps.limiter.draining) {
        c.header('Retry-After', '1');
        return fail(c, 'FLEET_BUSY', 'the node is draining');
      }
      const taken: string[] = [];
      for (const task of signed.data.tasks) {
        // A repeat of a task running here (the same lease, delivered again) is taken, not run twice.
        if (deps.isRunning(task)) { taken.push(task.taskId); continue; }
        const slot = deps.limiter.tryAcquire(slotKindOf(task));
        if (!slot) continue; // a later task of the other kind may still fit
        deps.log.info('task accepted', { runId: task.runId, taskId: task.taskId, orgId: task.orgId, traceparent: task.traceparent, attempt: task.attempt, url: task.url, slot, via: 'batch' });
        deps.accept(task, slot);
        taken.push(task.taskId);
      }
      return c.json({ nodeId: deps.nodeId, taken } satisfies TaskOfferAnswer, 200);
    },
  );

  // A preview is a task answered in the same request: signed like tasks, and it takes a slot like one.
  app.post(fleetPaths.preview, bodyLimit({ maxSize: 1024 * 1024, onError: (c) => fail(c, 'INVALID_REQUEST', 'body larger than 1 MiB') }), async (c) => {
    const parsed = await signedBody(c, deps.secret, PreviewBody, 'preview');
    if (!parsed.ok) return parsed.res;
    if (!deps.preview) return fail(c, 'INVALID_REQUEST', 'this node does not run previews');
    if (!deps.limiter.tryAcquire()) return fail(c, 'FLEET_BUSY', 'no free slot on this node');
    try {
      return c.json(await deps.preview(parsed.data.task, parsed.data.screenshot));
    } finally {
      deps.limiter.release();
    }
  });

  // A browser session for a program (ADR 0039): signed like a task; it holds a slot until it ends.
  app.post(fleetPaths.sessions, bodyLimit({ maxSize: 256 * 1024, onError: (c) => fail(c, 'INVALID_REQUEST', 'body larger than 256 KiB') }), async (c) => {
    const parsed = await signedBody(c, deps.secret, SessionOpen, 'session');
    if (!parsed.ok) return parsed.res;
    if (!deps.openSession) return fail(c, 'INVALID_REQUEST', 'this node does not hold browser sessions');
    const opened = await deps.openSession(parsed.data);
    if (!opened) return fail(c, 'FLEET_BUSY', deps.limiter.draining ? 'the node is draining' : 'no free slot on this node');
    return c.json(opened, 201);
  });

  app.notFound((c) => fail(c, 'INVALID_REQUEST', `no route ${c.req.method} ${c.req.path}`));
  app.onError((e, c) => {
    // Internal text stays in our logs; the caller gets the code.
    deps.log.error('unhandled error', { error: e.message, path: c.req.path });
    return c.json({ error: { code: 'INTERNAL', message: 'internal error', hint: ERRORS.INTERNAL.hint } }, 500);
  });
  return app;
}
