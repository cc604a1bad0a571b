/**
 * Offering a queue message's tasks to the fleet (ADR 0064): the whole batch to the roomiest node in one signed
 * request, which takes what fits its free slots and says which; the rest to the next node. A lone task goes through
 * the single-task route, and a node that does not know the batch route (a node from before it) is offered the
 * tasks one by one, so a mixed fleet across a deploy keeps working.
 */
import { fleetPaths, signRequest, slotKindOf, TASK_OFFER_VERSION, TaskOfferAnswer, type Task } from '@trawl/schemas';

/** A node as the consumer sees it this pass: `free` from its last heartbeat, less what it took; below 0: unreachable. */
export interface NodeRoom { id: string; url: string; free: number }
export type OfferOutcome = { kind: 'took'; taken: ReadonlySet<string> } | { kind: 'busy' | 'unreachable' | 'rejected' };
export type OfferFn = (node: NodeRoom, tasks: readonly Task[]) => Promise<OfferOutcome>;
export interface PlaceHooks {
  /** The node took `count` tasks needing a browser slot (the consumer lowers its free count in D1). */
  taken(node: NodeRoom, count: number): Promise<void>;
  unreachable(node: NodeRoom): Promise<void>;
  rejected(node: NodeRoom, tasks: readonly Task[]): void;
  /** Between rounds when a node was busy: slots freeing right now are caught before the queue's longer backoff. */
  pause(): Promise<void>;
}

const BUSY_ROUNDS = 4;

/**
 * Offers the tasks to the nodes, roomiest first by their last heartbeat, and returns those no node took. A count of
 * free slots is only as fresh as that heartbeat, so a node reported full is still asked, last; its answer is the
 * real admission control. A node that took part of a batch is full for the rest this pass.
 */
export async function placeTasks(nodes: NodeRoom[], tasks: readonly Task[], offer: OfferFn, hooks: PlaceHooks): Promise<Task[]> {
  let left = [...tasks];
  for (let round = 0; round < BUSY_ROUNDS; round++) {
    let busy = false;
    for (const node of [...nodes].sort((a, b) => b.free - a.free)) {
      if (left.length === 0) return left;
      if (node.free < 0) continue; // unreachable this pass
      const o = await offer(node, left);
      if (o.kind === 'took') {
        // `free` counts browser slots (the node's heartbeat): fast-path tasks run in http slots and lower nothing.
        const browsers = left.filter((t) => o.taken.has(t.taskId) && slotKindOf(t) === 'browser').length;
        left = left.filter((t) => !o.taken.has(t.taskId));
        if (browsers) await hooks.taken(node, browsers);
        node.free = left.length ? 0 : Math.max(0, node.free - browsers);
        if (left.length) busy = true;
      } else if (o.kind === 'busy') {
        node.free = 0;
        busy = true;
      } else if (o.kind === 'unreachable') {
        await hooks.unreachable(node);
        node.free = -1;
      } else {
        hooks.rejected(node, left);
      }
    }
    if (left.length === 0 || !busy || round === BUSY_ROUNDS - 1) return left;
    await hooks.pause();
  }
  return left;
}

/** The real offer over HTTP, signed with the fleet secret. */
export function httpOffer(secret: string): OfferFn {
  return async (node, tasks) => {
    if (tasks.length === 1) return single(node.url, tasks[0]!, secret);
    const batch = await post(node.url, fleetPaths.taskBatch, JSON.stringify({ v: TASK_OFFER_VERSION, tasks }), secret, tasks[0]!.traceparent);
    if (batch.kind !== 'answer') return batch;
    if (batch.status === 200) {
      const parsed = TaskOfferAnswer.safeParse(batch.json);
      return parsed.success ? { kind: 'took', taken: new Set(parsed.data.taken) } : { kind: 'rejected' };
    }
    // 400/404: a node without the batch route (or this version of it): one task at a time, as before ADR 0064.
    if (batch.status === 400 || batch.status === 404) return oneByOne(node.url, tasks, secret);
    return statusOutcome(batch.status);
  };
}

async function oneByOne(url: string, tasks: readonly Task[], secret: string): Promise<OfferOutcome> {
  const taken = new Set<string>();
  for (const t of tasks) {
    const o = await single(url, t, secret);
    if (o.kind === 'took') taken.add(t.taskId);
    else if (taken.size === 0) return o;
    else break;
  }
  return { kind: 'took', taken };
}

async function single(url: string, task: Task, secret: string): Promise<OfferOutcome> {
  const a = await post(url, fleetPaths.tasks, JSON.stringify(task), secret, task.traceparent);
  if (a.kind !== 'answer') return a;
  return a.status === 202 || a.status === 200 ? { kind: 'took', taken: new Set([task.taskId]) } : statusOutcome(a.status);
}

function statusOutcome(status: number): OfferOutcome {
  if (status === 503 || status === 429) return { kind: 'busy' };
  return { kind: status >= 500 ? 'unreachable' : 'rejected' };
}

type Posted = { kind: 'answer'; status: number; json: unknown } | { kind: 'unreachable' };

async function post(nodeUrl: string, path: string, body: string, secret: string, traceparent: string | undefined): Promise<Posted> {
  try {
    const res = await fetch(new URL(path, nodeUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await signRequest(secret, 'POST', path, body)), ...(traceparent ? { traceparent } : {}) },
      body,
      signal: AbortSignal.timeout(5000),
    });
    const json: unknown = res.status === 200 ? await res.json().catch(() => null) : (await res.body?.cancel(), null);
    return { kind: 'answer', status: res.status, json };
  } catch {
    return { kind: 'unreachable' };
  }
}
