import { eq } from 'drizzle-orm';
import { fleetNodes } from '@trawl/db';
import { fleetPaths, signRequest } from '@trawl/schemas';
import { configOf } from '../../env.ts';
import { ApiError, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { coordinatorOf, getRunRow } from './runs.ts';

/** A task of a run that is running now and can be watched (the node it runs on stays the edge's). */
export interface WatchableTask { taskId: string; url: string; attempt: number; startedAt: number }

/** The run's tasks in flight, for the run monitor's "Watch live" (issue #13 §2, ADR 0044). */
export async function listLiveTasks(ctx: ActorContext, runId: string): Promise<{ data: WatchableTask[] }> {
  authorize(ctx, 'runs:read');
  await getRunRow(ctx, runId);
  const running = await coordinatorOf(ctx, runId).liveTasks();
  return { data: running.map(({ taskId, url, attempt, startedAt }) => ({ taskId, url, attempt, startedAt })) };
}

/**
 * A read-only live view of one task in flight: the node screencasts the task's page for as long as this WebSocket is
 * open and not a moment longer (it starts on the upgrade and stops when either side closes). The edge asks the node
 * that runs the task's current attempt, signed, and hands the node's WebSocket to the watcher as it is; nothing the
 * watcher sends reaches the page. Another organization's run is a 404 before anything is asked of a node.
 */
export async function watchTask(ctx: ActorContext, runId: string, taskId: string, request: Request): Promise<Response> {
  authorize(ctx, 'runs:read');
  await getRunRow(ctx, runId);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('INVALID_REQUEST', 'This endpoint is a WebSocket: connect with "Upgrade: websocket"', { issues: [{ path: 'headers.upgrade', message: 'expected websocket' }] });
  }
  const task = (await coordinatorOf(ctx, runId).liveTasks()).find((t) => t.taskId === taskId);
  if (!task) throw notFound('Running task', taskId);
  const [node] = await ctx.db.select().from(fleetNodes).where(eq(fleetNodes.id, task.nodeId)).limit(1);
  if (!node) throw new ApiError('FLEET_UNAVAILABLE', 'The fleet node running this task is not registered any more; the task will be retried elsewhere');
  const path = fleetPaths.taskScreencast(taskId, runId, ctx.actor.orgId);
  const signed = await signRequest(configOf(ctx.env).fleetSecret, 'GET', path, '');
  const res = await fetch(new URL(path, node.url), { headers: { upgrade: 'websocket', ...signed } }).catch((err: unknown) => {
    ctx.log.warn('live view: node unreachable', { nodeId: node.id, err: String(err) });
    return null;
  });
  // The task ended between the listing and the node's answer.
  if (res?.status === 404) throw notFound('Running task', taskId);
  if (!res || res.status !== 101 || !res.webSocket) {
    await res?.body?.cancel();
    throw new ApiError('FLEET_UNAVAILABLE', 'The fleet node running this task did not open its live view; try again');
  }
  ctx.log.info('live view opened', { runId, taskId, nodeId: node.id, by: ctx.actor.principal });
  return res;
}
