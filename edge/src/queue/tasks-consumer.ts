import { TASK_OFFER_VERSION, tasksOf, type Task } from '@trawl/schemas';
import { configOf, type Env } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { createDb, type ServiceContext } from '../services/context.ts';
import { availableNodes, markUnreachable, noteTaken } from '../services/fleet/nodes.ts';
import { forEachDelivery } from './deliver-twice.ts';
import type { TaskMessage } from './messages.ts';
import { httpOffer, placeTasks, type NodeRoom } from './offers.ts';
import { maxDelayOf, retryDelaySeconds, TASKS_MAX_RETRIES } from './retry-schedule.ts';

const BUSY_PAUSE_MS = 150;

/**
 * Hands each message's tasks to fleet nodes with room and returns at once: it never waits for a page.
 * All taken: ack. None taken: retry with backoff (the dead-letter queue takes what never lands, inside the dispatch
 * lease: retry-schedule.ts). Part of a batch taken: ack, and the rest goes again as a message of its own
 * (`remainder`), since a retry would offer the taken tasks again.
 */
export async function consumeTasks(batch: MessageBatch<TaskMessage>, env: Env): Promise<void> {
  const log = createLogger({ component: 'tasks-consumer' });
  const ctx: ServiceContext = { env, db: createDb(env), log, requestId: `queue-${batch.queue}`, baseUrl: '' };
  const offer = httpOffer(configOf(env).fleetSecret);
  const nodes: NodeRoom[] = await availableNodes(ctx);
  const hooks = {
    taken: (node: NodeRoom, count: number) => noteTaken(ctx, node.id, node.free, count),
    unreachable: (node: NodeRoom) => markUnreachable(ctx, node.id),
    rejected: (node: NodeRoom, tasks: readonly Task[]) => log.error('a node rejected an offer', { nodeId: node.id, runId: tasks[0]?.runId, tasks: tasks.length }),
    pause: () => new Promise<void>((r) => setTimeout(r, BUSY_PAUSE_MS)),
  };
  await forEachDelivery(env, batch.messages, async (msg, copy) => {
    const tasks = tasksOf(msg.body);
    const left = await placeTasks(nodes, tasks, offer, hooks);
    // A second delivery (TEST_DELIVER_TWICE) is only offered again: the original decides ack or retry.
    if (copy) return;
    const prior = 'tasks' in msg.body ? msg.body.tries ?? 0 : 0;
    const next = afterOffer(tasks.length, left.length, msg.attempts + prior, prior, maxDelayOf(env));
    if (next.kind === 'ack') {
      msg.ack();
      return;
    }
    log.warn('no fleet node took the task; retrying', { runId: left[0]!.runId, tasks: left.length, of: tasks.length, tries: msg.attempts + prior, next: next.kind });
    if (next.kind === 'retry') {
      msg.retry({ delaySeconds: next.delaySeconds });
      return;
    }
    msg.ack();
    if (next.kind === 'resend') await remainder(env, left, next.tries, next.delaySeconds);
    else await deadLetters(env, left);
  });
}

export type AfterOffer = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number } | { kind: 'resend'; tries: number; delaySeconds: number } | { kind: 'dead' };

/**
 * What becomes of a message after its offers: `tries` deliveries so far (this one included, earlier messages of a
 * re-sent remainder too). All taken: ack. None taken of a first message: the queue's own retry (and dead-letter
 * queue). Otherwise the rest goes again as a message of its own with the same delay, or, past TASKS_MAX_RETRIES,
 * straight to the coordinator as dead letters: as many deliveries as a message retried whole gets.
 */
export function afterOffer(total: number, left: number, tries: number, prior: number, maxDelayS: number): AfterOffer {
  if (left === 0) return { kind: 'ack' };
  const delaySeconds = retryDelaySeconds(tries, maxDelayS);
  if (left === total && prior === 0) return { kind: 'retry', delaySeconds };
  return tries > TASKS_MAX_RETRIES ? { kind: 'dead' } : { kind: 'resend', tries, delaySeconds };
}

/**
 * The untaken rest of a batch, sent again carrying the deliveries it had (`tries`, see afterOffer). A send that
 * fails reports the tasks as dead letters now: the coordinator dispatches them again (node loss, ADR 0048).
 */
async function remainder(env: Env, left: Task[], tries: number, delaySeconds: number): Promise<void> {
  const sent = await env.TASKS.send({ v: TASK_OFFER_VERSION, tasks: left, tries }, { delaySeconds }).then(() => true, () => false);
  if (!sent) await deadLetters(env, left);
}

async function deadLetters(env: Env, tasks: readonly Task[]): Promise<void> {
  for (const { runId, taskId, leaseToken } of tasks) {
    await env.RUN_COORDINATOR.get(env.RUN_COORDINATOR.idFromName(runId)).dispatchFailed(taskId, leaseToken);
  }
}

/** Tasks that no node took after every retry: the coordinator dispatches them again on their node-loss budget. */
export async function consumeDeadTasks(batch: MessageBatch<TaskMessage>, env: Env): Promise<void> {
  await forEachDelivery(env, batch.messages, async (msg) => {
    await deadLetters(env, tasksOf(msg.body));
    msg.ack();
  });
}
