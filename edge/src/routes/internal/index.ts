import { Hono } from 'hono';
import {
  EventBatch, LeaseRequest, NodeHeartbeat, StartRequest, ReleaseRequest, ResultBatch, TaskResult, fleetPaths, issuesOf, signRequest, type ErrorCode, type NextTask, type Task,
} from '@trawl/schemas';
import { configOf } from '../../env.ts';
import type { z } from 'zod';
import type { AppEnv } from '../../app.ts';
import { ApiError } from '../../lib/errors.ts';
import { requireFleetSignature } from '../../middleware/fleet-auth.ts';
import { recordHeartbeat } from '../../services/fleet/nodes.ts';
import { recordTaskAttempt, recordTaskAttempts } from '../../services/stats/stats.ts';
import { registerArtifactUpload } from './artifacts.ts';
import { registerLoginSession } from './login-session.ts';

/** The fleet's side of the protocol: heartbeats and task lifecycle calls, all signed. */
export const internalRoutes = new Hono<AppEnv>();
internalRoutes.use('/fleet/*', requireFleetSignature);
internalRoutes.use('/runs/*', requireFleetSignature);
registerArtifactUpload(internalRoutes);
registerLoginSession(internalRoutes);

async function parse<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  let json: unknown;
  try {
    json = JSON.parse(await req.text());
  } catch {
    throw new ApiError('INVALID_REQUEST', 'The fleet message is not JSON', { issues: [{ path: '(root)', message: 'malformed JSON' }] });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid fleet message', { issues: issuesOf(parsed.error) });
  return parsed.data;
}

function answer(res: { ok: true } | { ok: false; code: ErrorCode }, body: Record<string, unknown> = {}) {
  if (!res.ok) throw new ApiError(res.code, res.code === 'LEASE_LOST' ? 'The lease is no longer current' : 'Unknown task');
  return { ok: true, ...body };
}

const coordinator = (env: AppEnv['Bindings'], runId: string) => env.RUN_COORDINATOR.get(env.RUN_COORDINATOR.idFromName(runId));

internalRoutes.post('/fleet/heartbeat', async (c) => {
  await recordHeartbeat(c.get('services'), await parse(c.req.raw, NodeHeartbeat));
  return c.json({ ok: true });
});

internalRoutes.post('/runs/:runId/tasks/:taskId/start', async (c) => {
  const { leaseToken, nodeId, ahead } = await parse(c.req.raw, StartRequest);
  const res = await coordinator(c.env, c.req.param('runId')).taskStart(c.req.param('taskId'), leaseToken, nodeId, ahead ?? false);
  // The run's next browser task, handed ahead of this page (ADR 0069), signed like an offer.
  const next = res.ok && res.next ? await signedNextTask(configOf(c.env).fleetSecret, res.next) : undefined;
  return c.json(answer(res, res.ok ? { leaseMs: res.leaseMs, ...(next ? { next } : {}) } : {}));
});

internalRoutes.post('/runs/:runId/tasks/:taskId/heartbeat', async (c) => {
  const { leaseToken } = await parse(c.req.raw, LeaseRequest);
  const res = await coordinator(c.env, c.req.param('runId')).taskHeartbeat(c.req.param('taskId'), leaseToken);
  return c.json(answer(res, res.ok ? { leaseMs: res.leaseMs } : {}));
});

internalRoutes.post('/runs/:runId/tasks/:taskId/events', async (c) => {
  const batch = await parse(c.req.raw, EventBatch);
  const res = await coordinator(c.env, c.req.param('runId')).taskEvents(c.req.param('taskId'), batch.leaseToken, batch.events);
  return c.json(answer(res));
});

internalRoutes.post('/runs/:runId/tasks/:taskId/result', async (c) => {
  const result = await parse(c.req.raw, TaskResult);
  const res = await coordinator(c.env, c.req.param('runId')).taskResult(c.req.param('taskId'), result);
  // Task-level stats: recorded once per applied result, after the answer.
  if (res.ok && !res.duplicate) c.executionCtx.waitUntil(recordTaskAttempt(c.get('services'), c.req.param('runId'), c.req.param('taskId'), result).catch(() => undefined));
  const next = res.ok && res.next ? await signedNextTask(configOf(c.env).fleetSecret, res.next) : undefined;
  return c.json(answer(res, res.ok ? { duplicate: res.duplicate, ...(next ? { next } : {}) } : {}));
});

// Several results of one run (ADR 0061): answered per entry, never as a whole 404/409 (a node reads a 404 here as an
// edge without this route and posts its results one by one).
internalRoutes.post('/runs/:runId/results', async (c) => {
  const batch = await parse(c.req.raw, ResultBatch);
  const runId = c.req.param('runId');
  const answers = await coordinator(c.env, runId).taskResults(batch.results);
  const applied = batch.results.filter((_, i) => answers[i]?.status === 'applied');
  if (applied.length) c.executionCtx.waitUntil(recordTaskAttempts(c.get('services'), runId, applied).catch(() => undefined));
  const secret = configOf(c.env).fleetSecret;
  return c.json({ ok: true, answers: await Promise.all(answers.map(async (a) => ({ taskId: a.taskId, status: a.status, ...(a.next ? { next: await signedNextTask(secret, a.next) } : {}) }))) });
});

/** A task for the node that posted a result, signed as an offer to its task route would be. */
async function signedNextTask(secret: string, task: Task): Promise<NextTask> {
  const body = JSON.stringify(task);
  return { body, headers: await signRequest(secret, 'POST', fleetPaths.tasks, body) };
}

internalRoutes.post('/runs/:runId/tasks/:taskId/release', async (c) => {
  const { leaseToken, reason } = await parse(c.req.raw, ReleaseRequest);
  const res = await coordinator(c.env, c.req.param('runId')).taskRelease(c.req.param('taskId'), leaseToken, reason);
  return c.json(answer(res));
});
