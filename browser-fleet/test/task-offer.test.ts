import { describe, expect, it } from 'vitest';
import { TASK_OFFER_VERSION, fleetPaths, signRequest, type NodeHealth, type Task, type TaskOfferAnswer } from '@trawl/schemas';
import { createApp } from '../src/app.ts';
import { Limiter, type SlotKind } from '../src/limiter.ts';
import { silentLogger } from '../src/log.ts';
import { makeTask } from './fixtures.ts';

const SECRET = 'test-secret-0123456789abcdef';

/** The node's HTTP surface with a real limiter; `accept` records what would run (the task sessions are not the subject). */
function node(slots: number, httpSlots: number) {
  const limiter = new Limiter(slots, httpSlots);
  const running = new Map<string, SlotKind>();
  const keyOf = (t: Task): string => `${t.taskId}:${t.leaseToken}`;
  const app = createApp({
    secret: SECRET, nodeId: 'node-1', limiter, log: silentLogger, health: () => ({}) as NodeHealth,
    accept: (t, slot) => { running.set(keyOf(t), slot); },
    isRunning: (t) => running.has(keyOf(t)),
  });
  const offer = async (tasks: Task[], opts: { secret?: string; v?: number } = {}): Promise<Response> => {
    const body = JSON.stringify({ v: opts.v ?? TASK_OFFER_VERSION, tasks });
    const headers = { 'content-type': 'application/json', ...(await signRequest(opts.secret ?? SECRET, 'POST', fleetPaths.taskBatch, body)) };
    return app.request(fleetPaths.taskBatch, { method: 'POST', headers, body });
  };
  return { limiter, running, offer };
}

const browserTask = (id: string, lease = `lease-${id}`): Task => makeTask(`http://127.0.0.1:9/${id}`, { taskId: id, leaseToken: lease });
const fastTask = (id: string): Task => makeTask(`http://127.0.0.1:9/${id}`, { taskId: id, leaseToken: `lease-${id}`, render: { mode: 'http', reason: 'forced-http' } });

describe('offers carrying several tasks (ADR 0064)', () => {
  it('takes, in order, what fits its free slots of each kind and answers which', async () => {
    const n = node(2, 1);
    const tasks = [browserTask('b1'), browserTask('b2'), browserTask('b3'), fastTask('f1'), fastTask('f2')];
    const res = await n.offer(tasks);
    expect(res.status).toBe(200);
    const answer = await res.json() as TaskOfferAnswer;
    // 2 browser slots, 1 http slot: b1, b2 taken, b3 finds the browser slots gone, f1 still fits, f2 does not.
    expect(answer).toEqual({ nodeId: 'node-1', taken: ['b1', 'b2', 'f1'] });
    expect([...n.running.entries()]).toEqual([['b1:lease-b1', 'browser'], ['b2:lease-b2', 'browser'], ['f1:lease-f1', 'http']]);
    expect(n.limiter.free).toBe(0);
    expect(n.limiter.httpFree).toBe(0);
  });

  it('a node with no room takes none (200, nothing taken); a draining node answers 503 FLEET_BUSY', async () => {
    const n = node(1, 0);
    expect(n.limiter.tryAcquire('browser')).toBe('browser');
    const full = await n.offer([browserTask('a'), browserTask('b')]);
    expect(full.status).toBe(200);
    expect(await full.json()).toEqual({ nodeId: 'node-1', taken: [] });
    n.limiter.release('browser');
    n.limiter.drain();
    const draining = await n.offer([browserTask('a')]);
    expect(draining.status).toBe(503);
    expect((await draining.json() as { error: { code: string } }).error.code).toBe('FLEET_BUSY');
    expect(n.running.size).toBe(0);
  });

  it('the same batch delivered again runs nothing twice: its running tasks count as taken', async () => {
    const n = node(3, 0);
    const tasks = [browserTask('a'), browserTask('b')];
    expect((await (await n.offer(tasks)).json() as TaskOfferAnswer).taken).toEqual(['a', 'b']);
    const again = await n.offer(tasks);
    expect((await again.json() as TaskOfferAnswer).taken).toEqual(['a', 'b']);
    expect(n.running.size).toBe(2);
    expect(n.limiter.free).toBe(1);
    // A new lease of the same task (a re-dispatch) is a new attempt: it takes a slot of its own.
    const redispatched = await n.offer([browserTask('a', 'lease-a-2')]);
    expect((await redispatched.json() as TaskOfferAnswer).taken).toEqual(['a']);
    expect(n.running.size).toBe(3);
  });

  it('refuses an unsigned or wrongly signed batch, an unknown version and a task twice in one batch', async () => {
    const n = node(4, 0);
    expect((await n.offer([browserTask('a')], { secret: 'another-secret-0123456789' })).status).toBe(401);
    const v2 = await n.offer([browserTask('a')], { v: 2 });
    expect(v2.status).toBe(400);
    const twice = await n.offer([browserTask('a'), browserTask('a', 'other')]);
    expect(twice.status).toBe(400);
    expect(JSON.stringify(await twice.json())).toContain('a task appears twice in the offer');
    expect(n.running.size).toBe(0);
    expect(n.limiter.free).toBe(4);
  });
});
