import { fleetPaths, signRequest, type Task } from '@trawl/schemas';
import { configOf, type Env } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { createDb, type ServiceContext } from '../services/context.ts';
import { availableNodes, markUnreachable, noteTaken } from '../services/fleet/nodes.ts';
import { forEachDelivery } from './deliver-twice.ts';
import { maxDelayOf, retryDelaySeconds } from './retry-schedule.ts';

type Offer = 'accepted' | 'busy' | 'unreachable' | 'rejected';
const BUSY_ROUNDS = 4;
const BUSY_PAUSE_MS = 150;

/**
 * Hands each task to a fleet node with room and returns at once: it never waits for the page.
 * Accepted: ack. Every node busy or unreachable: retry with backoff (the dead-letter queue takes what never lands,
 * inside the dispatch lease: retry-schedule.ts).
 */
export async function consumeTasks(batch: MessageBatch<Task>, env: Env): Promise<void> {
  const log = createLogger({ component: 'tasks-consumer' });
  const ctx: ServiceContext = { env, db: createDb(env), log, requestId: `queue-${batch.queue}`, baseUrl: '' };
  const secret = configOf(env).fleetSecret;
  const nodes = await availableNodes(ctx);
  await forEachDelivery(env, batch.messages, async (msg, copy) => {
    const placed = await place(ctx, nodes, msg.body, secret);
    // A second delivery (TEST_DELIVER_TWICE) is only offered again: the original decides ack or retry.
    if (copy) return;
    if (placed) {
      msg.ack();
    } else {
      const delaySeconds = retryDelaySeconds(msg.attempts, maxDelayOf(env));
      log.warn('no fleet node took the task; retrying', { runId: msg.body.runId, taskId: msg.body.taskId, attempts: msg.attempts, delaySeconds });
      msg.retry({ delaySeconds });
    }
  });
}

/**
 * Offers a task to the live nodes, roomiest first by their last heartbeat. A count of free slots is only as fresh as
 * that heartbeat (a slot frees the moment a task ends), so a node reported full is still asked, last; its 503 is
 * the real admission control. When every node is busy, a few short pauses catch slots freeing right now before the
 * message goes back to the queue with its longer backoff.
 */
async function place(ctx: ServiceContext, nodes: Awaited<ReturnType<typeof availableNodes>>, task: Task, secret: string): Promise<boolean> {
  for (let round = 0; round < BUSY_ROUNDS; round++) {
    let busy = false;
    for (const node of [...nodes].sort((a, b) => b.free - a.free)) {
      if (node.free < 0) continue; // unreachable this batch
      const offer = await offerTask(node.url, task, secret);
      if (offer === 'accepted') {
        await noteTaken(ctx, node.id, node.free);
        node.free = Math.max(0, node.free - 1);
        return true;
      }
      if (offer === 'busy') { node.free = 0; busy = true; }
      if (offer === 'unreachable') {
        await markUnreachable(ctx, node.id);
        node.free = -1;
      }
      if (offer === 'rejected') ctx.log.error('a node rejected a task', { nodeId: node.id, runId: task.runId, taskId: task.taskId });
    }
    if (!busy) return false;
    await new Promise((r) => setTimeout(r, BUSY_PAUSE_MS));
  }
  return false;
}

async function offerTask(nodeUrl: string, task: Task, secret: string): Promise<Offer> {
  const body = JSON.stringify(task);
  const path = fleetPaths.tasks;
  try {
    const res = await fetch(new URL(path, nodeUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await signRequest(secret, 'POST', path, body)), ...(task.traceparent ? { traceparent: task.traceparent } : {}) },
      body,
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    if (res.status === 202 || res.status === 200) return 'accepted';
    if (res.status === 503 || res.status === 429) return 'busy';
    return res.status >= 500 ? 'unreachable' : 'rejected';
  } catch {
    return 'unreachable';
  }
}

/** Tasks that no node took after every retry: the coordinator dispatches them again on their node-loss budget. */
export async function consumeDeadTasks(batch: MessageBatch<Task>, env: Env): Promise<void> {
  await forEachDelivery(env, batch.messages, async (msg) => {
    const { runId, taskId, leaseToken } = msg.body;
    await env.RUN_COORDINATOR.get(env.RUN_COORDINATOR.idFromName(runId)).dispatchFailed(taskId, leaseToken);
    msg.ack();
  });
}
