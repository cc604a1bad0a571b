import { describe, expect, it } from 'vitest';
import { Task, TASK_OFFER_MAX, tasksOf } from '@trawl/schemas';
import { taskMessagesOf } from '../src/queue/messages.ts';
import { placeTasks, type NodeRoom, type OfferFn, type OfferOutcome } from '../src/queue/offers.ts';
import { afterOffer } from '../src/queue/tasks-consumer.ts';
import { TASKS_MAX_RETRIES } from '../src/queue/retry-schedule.ts';
import { NodeView } from '../src/coordinator/hand-back.ts';

const task = (i: number, spec: Record<string, unknown> = {}): Task => Task.parse({
  runId: 'run_1', orgId: 'org_1', taskId: `t${i}`, attempt: 1, leaseToken: `lease${i}`, url: `https://shop.example/p${i}`, depth: 0,
  spec: { itemSelector: 'li', fields: { name: {} }, ...spec }, deadline: 1, edgeUrl: 'https://edge.example', leaseMs: 30_000,
});
const tasks = (n: number) => Array.from({ length: n }, (_, i) => task(i + 1));

/** A node with `room` slots in this pass: it takes the first ones that fit, as the node's batch route does. */
function fleet(rooms: Record<string, number | 'busy' | 'down'>) {
  const offers: Array<{ node: string; ids: string[] }> = [];
  const offer: OfferFn = async (node, ts): Promise<OfferOutcome> => {
    offers.push({ node: node.id, ids: ts.map((t) => t.taskId) });
    const room = rooms[node.id]!;
    if (room === 'busy') return { kind: 'busy' };
    if (room === 'down') return { kind: 'unreachable' };
    const took = ts.slice(0, room);
    rooms[node.id] = room - took.length;
    return { kind: 'took', taken: new Set(took.map((t) => t.taskId)) };
  };
  const log = { taken: [] as Array<[string, number]>, unreachable: [] as string[], pauses: 0 };
  const hooks = {
    taken: async (n: NodeRoom, count: number) => { log.taken.push([n.id, count]); },
    unreachable: async (n: NodeRoom) => { log.unreachable.push(n.id); },
    rejected: () => undefined,
    pause: async () => { log.pauses++; },
  };
  return { offers, offer, log, hooks };
}

describe('a dispatch\'s tasks in queue messages (ADR 0064)', () => {
  it('batches of up to 16 tasks in order; a lone task stays the single-task message', () => {
    const messages = taskMessagesOf(tasks(20));
    expect(messages.map((m) => tasksOf(m).map((t) => t.taskId))).toEqual([tasks(16).map((t) => t.taskId), ['t17', 't18', 't19', 't20']]);
    expect(messages.every((m) => 'tasks' in m && m.v === 1)).toBe(true);
    const [one] = taskMessagesOf([task(1)]);
    expect(one).toEqual(task(1));
    expect(TASK_OFFER_MAX).toBe(16);
  });

  it('a batch stays under the byte bound: large specs split it earlier', () => {
    // 40 fields of a 900-character selector: ~37 KB a task, so two fit in 96 KiB and a third does not.
    const fields = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, { selector: 'x'.repeat(900) }]));
    const big = Array.from({ length: 6 }, (_, i) => task(i + 1, { fields }));
    const messages = taskMessagesOf(big);
    expect(messages.map((m) => tasksOf(m).length)).toEqual([2, 2, 2]);
    for (const m of messages) expect(JSON.stringify(m).length).toBeLessThan(96 * 1024 + 100);
  });
});

describe('offering a batch to the fleet (ADR 0064)', () => {
  it('counts only the browser slots a node took: fast-path tasks run in its http slots and lower nothing', async () => {
    const fast = (i: number): Task => ({ ...task(i), render: { mode: 'http', reason: 'forced-http' } });
    const f = fleet({ a: 16 });
    const left = await placeTasks([{ id: 'a', url: 'http://a', free: 2 }], [fast(1), task(2), fast(3), fast(4)], f.offer, f.hooks);
    expect(left).toEqual([]);
    // One of the four needs a browser page: the node's free browser slots (its heartbeat's count) go 2 -> 1.
    expect(f.log.taken).toEqual([['a', 1]]);

    const g = fleet({ a: 16 });
    expect(await placeTasks([{ id: 'a', url: 'http://a', free: 2 }], [fast(1), fast(2)], g.offer, g.hooks)).toEqual([]);
    expect(g.log.taken).toEqual([]);
  });

  it('the roomiest node first takes what fits; the rest goes to the next node in one offer', async () => {
    const f = fleet({ a: 2, b: 5 });
    const nodes = [{ id: 'a', url: 'http://a', free: 2 }, { id: 'b', url: 'http://b', free: 3 }];
    const left = await placeTasks(nodes, tasks(4), f.offer, f.hooks);
    expect(left).toEqual([]);
    expect(f.offers).toEqual([{ node: 'b', ids: ['t1', 't2', 't3', 't4'] }]);
    expect(f.log.taken).toEqual([['b', 4]]);

    const g = fleet({ a: 2, b: 1 });
    const left2 = await placeTasks([{ id: 'a', url: 'http://a', free: 2 }, { id: 'b', url: 'http://b', free: 1 }], tasks(5), g.offer, g.hooks);
    // a takes two, b the next one, both then full: two tasks left after the busy rounds.
    expect(g.offers.slice(0, 2)).toEqual([{ node: 'a', ids: ['t1', 't2', 't3', 't4', 't5'] }, { node: 'b', ids: ['t3', 't4', 't5'] }]);
    expect(g.log.taken).toEqual([['a', 2], ['b', 1]]);
    expect(left2.map((t) => t.taskId)).toEqual(['t4', 't5']);
    expect(g.log.pauses).toBe(3);
  });

  it('every node refusing all: every task is left, an unreachable node is asked once and reported', async () => {
    const f = fleet({ a: 'busy', b: 'down' });
    const left = await placeTasks([{ id: 'a', url: 'http://a', free: 1 }, { id: 'b', url: 'http://b', free: 4 }], tasks(3), f.offer, f.hooks);
    expect(left.map((t) => t.taskId)).toEqual(['t1', 't2', 't3']);
    expect(f.log.unreachable).toEqual(['b']);
    expect(f.offers.filter((o) => o.node === 'b')).toHaveLength(1);
    expect(f.offers.filter((o) => o.node === 'a')).toHaveLength(4);
    expect(f.log.taken).toEqual([]);
  });
});

describe('what becomes of a message after its offers (ADR 0064)', () => {
  it('all taken: ack; none of a first message: the queue\'s retry; part: the rest re-sent with its deliveries', () => {
    expect(afterOffer(4, 0, 1, 0, 30)).toEqual({ kind: 'ack' });
    expect(afterOffer(4, 4, 1, 0, 30)).toEqual({ kind: 'retry', delaySeconds: 2 });
    expect(afterOffer(4, 1, 1, 0, 30)).toEqual({ kind: 'resend', tries: 1, delaySeconds: 2 });
    // A re-sent rest counts on from its earlier deliveries (2 before, this one the 3rd), even when none is taken now.
    expect(afterOffer(1, 1, 3, 2, 30)).toEqual({ kind: 'resend', tries: 3, delaySeconds: 8 });
  });

  it('a rest past the queue\'s max_retries goes to the coordinator as dead letters, as a whole message would', () => {
    expect(afterOffer(2, 1, TASKS_MAX_RETRIES, 1, 30)).toEqual({ kind: 'resend', tries: TASKS_MAX_RETRIES, delaySeconds: 30 });
    expect(afterOffer(2, 1, TASKS_MAX_RETRIES + 1, 3, 30)).toEqual({ kind: 'dead' });
    expect(afterOffer(2, 2, TASKS_MAX_RETRIES + 1, 5, 30)).toEqual({ kind: 'dead' });
  });
});

describe('the hand-back check\'s node table (ADR 0064)', () => {
  it('is read at most once per TTL; a node that joins is seen once it runs out', async () => {
    let now = 1_000;
    let rows = [{ id: 'a', free: 0 }];
    let reads = 0;
    const view = new NodeView(async () => { reads++; return rows; }, 1000, () => now);
    expect(await view.nodes()).toEqual([{ id: 'a', free: 0 }]);
    rows = [{ id: 'a', free: 0 }, { id: 'new', free: 2 }];
    now += 999;
    expect(await view.nodes()).toEqual([{ id: 'a', free: 0 }]);
    expect(reads).toBe(1);
    now += 1;
    expect(await view.nodes()).toEqual(rows);
    expect(reads).toBe(2);
  });
});
