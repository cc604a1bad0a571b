import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { NodeHealth, TaskResult, fleetPaths, signRequest, type Task } from '@trawl/schemas';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { BrowserPool } from '../src/pool.ts';
import { startFleetNode, type FleetNode } from '../src/server.ts';
import { makeTask } from './fixtures.ts';
import { startRecordingEdge, type RecordingEdge } from './recording-edge.ts';
import { startTestSite, type TestSite } from './test-server.ts';
import { startTestPool } from './test-pool.ts';

const SECRET = 'test-secret-0123456789abcdef';

const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});
let pool: BrowserPool;
let site: TestSite;
let edge: RecordingEdge;
const nodes: FleetNode[] = [];

beforeAll(async () => {
  [pool, site, edge] = await Promise.all([
    startTestPool(),
    startTestSite(),
    startRecordingEdge(SECRET),
  ]);
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  edge.calls.length = 0;
  edge.statusFor.clear();
  edge.answerOnce.clear();
  edge.delayFor.clear();
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close(), edge?.close()]);
});

async function node(env: Record<string, string> = {}): Promise<FleetNode> {
  // The test site lives on loopback: its host:port is allowed explicitly here, as production config never does.
  const config = loadConfig({ FLEET_SECRET: SECRET, FLEET_PORT: '0', TRAWL_EDGE_URL: edge.url, FLEET_HEARTBEAT_MS: '200', FLEET_EGRESS_ALLOW: new URL(site.url).host, ...env });
  const n = await startFleetNode(config, { log: silentLogger, pool, releaseWaitMs: 3000 });
  nodes.push(n);
  return n;
}

function task(path: string, over: Record<string, unknown> = {}): Task {
  return makeTask(`${site.url}${path}`, { edgeUrl: edge.url, ...over });
}

async function offer(n: FleetNode, body: unknown, sign = true): Promise<Response> {
  const text = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...(sign ? await signRequest(SECRET, 'POST', fleetPaths.tasks, text) : {}) };
  return fetch(`${n.url}${fleetPaths.tasks}`, { method: 'POST', headers, body: text });
}

describe('fleet node HTTP', () => {
  it('rejects unsigned and badly signed tasks with 401', async () => {
    const n = await node();
    const unsigned = await offer(n, task('/listing'), false);
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()) as unknown).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const text = JSON.stringify(task('/listing'));
    const wrong = await fetch(`${n.url}${fleetPaths.tasks}`, {
      method: 'POST', body: text, headers: await signRequest('another-secret-0123456789', 'POST', fleetPaths.tasks, text),
    });
    expect(wrong.status).toBe(401);
    expect(edge.calls.filter((c) => c.kind === 'start')).toHaveLength(0);
  });

  it('rejects an invalid task with 400 and the issues', async () => {
    const n = await node();
    const res = await offer(n, { ...task('/listing'), attempt: 0 });
    expect(res.status).toBe(400);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'INVALID_REQUEST', details: { issues: [{ path: 'attempt' }] } } });
  });

  it('accepts a task with 202 at once and posts a signed result to the edge', async () => {
    const n = await node();
    const t = task('/listing');
    const res = await offer(n, t);
    expect(res.status).toBe(202);
    expect((await res.json()) as unknown).toEqual({ accepted: true, nodeId: n.nodeId });
    const result = await edge.waitFor((c) => c.kind === 'result');
    expect(result.signature).toBeNull();
    expect(result.path).toBe(`/internal/runs/${t.runId}/tasks/${t.taskId}/result`);
    const parsed = TaskResult.parse(result.body);
    expect(parsed).toMatchObject({ outcome: 'succeeded', leaseToken: t.leaseToken, nodeId: n.nodeId });
    expect(parsed.items).toHaveLength(20);
    const kinds = edge.calls.filter((c) => c.path.includes(t.taskId)).map((c) => c.kind);
    expect(kinds[0]).toBe('start');
    expect(kinds.at(-1)).toBe('result');
    // A short task's events travel with its result; a slower one (a busy machine) also sends batches while it runs.
    // Either way every event reaches the edge once, in order, the last ones with the result.
    const events = edge.calls.filter((c) => c.path.includes(t.taskId) && (c.kind === 'events' || c.kind === 'result'))
      .flatMap((c) => ((c.body as { events?: Array<{ type: string }> }).events ?? []).map((e) => e.type));
    expect(events.filter((e) => e === 'page.navigated' || e === 'items.extracted')).toEqual(['page.navigated', 'items.extracted']);
    expect(edge.calls.every((c) => c.signature === null)).toBe(true);
    const hb = await edge.waitFor((c) => c.kind === 'heartbeat');
    expect(hb.body).toMatchObject({ nodeId: n.nodeId, url: n.url, slots: 4 });
  });

  it('runs the task the edge hands back with a result in the freed slot, and refuses one with a bad signature', async () => {
    const n = await node({ FLEET_SLOTS: '1' });
    const [first, second, forged] = [task('/listing'), task('/listing'), task('/listing')];
    const body = JSON.stringify(second);
    edge.answerOnce.set('result', { next: { body, headers: await signRequest(SECRET, 'POST', fleetPaths.tasks, body) } });
    expect((await offer(n, first)).status).toBe(202);
    // The node said it had room, got the next task in the answer, and ran it without any offer.
    const r1 = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(first.taskId));
    expect((r1.body as { acceptNext?: boolean }).acceptNext).toBe(true);
    const r2 = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(second.taskId));
    expect(TaskResult.parse(r2.body)).toMatchObject({ outcome: 'succeeded', leaseToken: second.leaseToken });
    expect(edge.calls.find((c) => c.kind === 'start' && c.path.includes(second.taskId))).toBeDefined();

    // A handed-back task signed with another secret never starts; the slot is free for offers again.
    const forgedBody = JSON.stringify(forged);
    edge.answerOnce.set('result', { next: { body: forgedBody, headers: await signRequest('another-secret-0123456789', 'POST', fleetPaths.tasks, forgedBody) } });
    const third = task('/listing');
    expect((await offer(n, third)).status).toBe(202);
    await edge.waitFor((c) => c.kind === 'result' && c.path.includes(third.taskId));
    const fourth = task('/listing');
    await expect.poll(async () => (await offer(n, fourth)).status, { timeout: 5000 }).toBe(202);
    await edge.waitFor((c) => c.kind === 'result' && c.path.includes(fourth.taskId));
    expect(edge.calls.some((c) => c.path.includes(forged.taskId))).toBe(false);
  });

  it('starts the task handed ahead with a page\'s start the moment that page is done, in its slot (ADR 0069)', async () => {
    const n = await node({ FLEET_SLOTS: '1' });
    const signed = async (t: Task, secret = SECRET) => {
      const body = JSON.stringify(t);
      return { body, headers: await signRequest(secret, 'POST', fleetPaths.tasks, body) };
    };
    const [first, second] = [task('/listing'), task('/listing', { budgetMs: 60_000 })];
    edge.answerOnce.set('start', { leaseMs: 30_000, next: await signed(second) });
    // Results are answered 1.5 s late: the task ahead must not wait for its page's result, as a hand-back does.
    edge.delayFor.set('result', 1500);
    expect((await offer(n, first)).status).toBe(202);
    const r1 = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(first.taskId));
    const s1 = await edge.waitFor((c) => c.kind === 'start' && c.path.includes(first.taskId));
    expect(s1.body).toEqual({ leaseToken: first.leaseToken, nodeId: n.nodeId, ahead: true });
    const s2 = await edge.waitFor((c) => c.kind === 'start' && c.path.includes(second.taskId));
    expect(s2.receivedAt).toBeLessThan(r1.answeredAt!);
    // The page's result names the task held ahead, and asks for none back: the slot is that task's.
    expect(TaskResult.parse(r1.body)).toMatchObject({ outcome: 'succeeded', ahead: second.leaseToken });
    expect((r1.body as { acceptNext?: boolean }).acceptNext).toBeUndefined();
    const r2 = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(second.taskId));
    expect(TaskResult.parse(r2.body)).toMatchObject({ outcome: 'succeeded', leaseToken: second.leaseToken });
    expect(TaskResult.parse(r2.body).items).toHaveLength(20);
    edge.delayFor.clear();

    // Its budget runs from its own start: one of 1 ms times out although its deadline is minutes away.
    const [third, late] = [task('/listing'), task('/listing', { budgetMs: 1, deadline: Date.now() + 600_000 })];
    edge.answerOnce.set('start', { leaseMs: 30_000, next: await signed(late) });
    await expect.poll(async () => (await offer(n, third)).status, { timeout: 5000 }).toBe(202);
    const rl = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(late.taskId));
    expect(TaskResult.parse(rl.body)).toMatchObject({ outcome: 'failed', error: { code: 'TASK_TIMEOUT' } });

    // One signed with another secret never starts; the page's result then names none and asks for the next.
    const [fourth, forged] = [task('/listing'), task('/listing')];
    edge.answerOnce.set('start', { leaseMs: 30_000, next: await signed(forged, 'another-secret-0123456789') });
    await expect.poll(async () => (await offer(n, fourth)).status, { timeout: 5000 }).toBe(202);
    const r4 = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(fourth.taskId));
    expect((r4.body as { acceptNext?: boolean }).acceptNext).toBe(true);
    // Every slot given back exactly once: the one slot is free again, and the next offer runs.
    const fifth = task('/listing');
    await expect.poll(async () => (await offer(n, fifth)).status, { timeout: 5000 }).toBe(202);
    await edge.waitFor((c) => c.kind === 'result' && c.path.includes(fifth.taskId));
    expect(edge.calls.some((c) => c.path.includes(forged.taskId))).toBe(false);
    await expect.poll(() => edge.calls.filter((c) => c.kind === 'heartbeat').at(-1)?.body, { timeout: 5000 }).toMatchObject({ slots: 1, free: 1, inFlight: 0 });
  });

  it('answers 503 FLEET_BUSY with Retry-After when no slot is free', async () => {
    const n = await node({ FLEET_SLOTS: '1', FLEET_DRAIN_MS: '200' });
    expect((await offer(n, task('/hang'))).status).toBe(202);
    const busy = await offer(n, task('/listing'));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect((await busy.json()) as unknown).toMatchObject({ error: { code: 'FLEET_BUSY' } });
    expect(NodeHealth.parse(n.health())).toMatchObject({ free: 0, inFlight: 1 });
  });

  it('runs fast-path tasks in http slots beside the browser slots, and in browser slots on a node without http slots', async () => {
    const fast = { render: { mode: 'http-only', reason: 'forced-http' } };
    const n = await node({ FLEET_SLOTS: '1', FLEET_HTTP_SLOTS: '1', FLEET_DRAIN_MS: '200' });
    expect((await offer(n, task('/hang'))).status).toBe(202);
    // The browser slot is taken; a fast-path task still has its own.
    expect((await offer(n, task('/hang', fast))).status).toBe(202);
    expect((await offer(n, task('/listing', fast))).status).toBe(503);
    expect((await offer(n, task('/listing'))).status).toBe(503);
    expect(NodeHealth.parse(n.health())).toMatchObject({ slots: 1, free: 0, inFlight: 2 });

    const old = await node({ FLEET_SLOTS: '1', FLEET_HTTP_SLOTS: '0', FLEET_DRAIN_MS: '200' });
    expect((await offer(old, task('/hang'))).status).toBe(202);
    expect((await offer(old, task('/listing', fast))).status).toBe(503);
  });

  it('announces no start for a fast-path task: its result names the node that ran it', async () => {
    const n = await node();
    const fastTask = task('/listing', { render: { mode: 'http-only', reason: 'forced-http' } });
    const browserTask = task('/listing');
    expect((await offer(n, fastTask)).status).toBe(202);
    expect((await offer(n, browserTask)).status).toBe(202);
    const fastResult = TaskResult.parse((await edge.waitFor((c) => c.kind === 'result' && c.path.includes(fastTask.taskId))).body);
    const browserResult = TaskResult.parse((await edge.waitFor((c) => c.kind === 'result' && c.path.includes(browserTask.taskId))).body);
    expect(fastResult).toMatchObject({ outcome: 'succeeded', startedOn: n.nodeId, render: { mode: 'http', reason: 'forced-http' } });
    expect(browserResult.startedOn).toBeUndefined();
    expect(edge.calls.filter((c) => c.kind === 'start').map((c) => c.path.split('/').at(-2))).toEqual([browserTask.taskId]);
  });

  it('hands a task of the other kind back to the edge when no slot of its kind is free', async () => {
    const n = await node({ FLEET_SLOTS: '1', FLEET_HTTP_SLOTS: '1', FLEET_DRAIN_MS: '200' });
    const fast = { render: { mode: 'http-only', reason: 'forced-http' } };
    expect((await offer(n, task('/hang', fast))).status).toBe(202);
    const [first, next] = [task('/listing'), task('/listing', fast)];
    const body = JSON.stringify(next);
    edge.answerOnce.set('result', { next: { body, headers: await signRequest(SECRET, 'POST', fleetPaths.tasks, body) } });
    expect((await offer(n, first)).status).toBe(202);
    const released = await edge.waitFor((c) => c.kind === 'release');
    expect(released.path).toContain(next.taskId);
    expect(released.body).toMatchObject({ leaseToken: next.leaseToken, reason: 'no free http slot on this node' });
    // The browser slot the first task freed is free again.
    await expect.poll(() => n.health().free, { timeout: 5000 }).toBe(1);
    expect(edge.calls.some((c) => c.kind === 'start' && c.path.includes(next.taskId))).toBe(false);
  });

  it('announces a browser task\'s start while its page loads (ADR 0062): its events and result follow the start\'s answer', async () => {
    edge.delayFor.set('start', 1500);
    const n = await node();
    const t = task('/listing');
    const before = site.hits('/listing');
    expect((await offer(n, t)).status).toBe(202);
    // The page is fetched while the start call still waits for its answer.
    await expect.poll(() => site.hits('/listing'), { timeout: 5000 }).toBe(before + 1);
    const start = await edge.waitFor((c) => c.kind === 'start');
    expect(start.answeredAt).toBeUndefined();
    const result = await edge.waitFor((c) => c.kind === 'result', 15_000);
    expect(TaskResult.parse(result.body).outcome).toBe('succeeded');
    expect(result.receivedAt).toBeGreaterThanOrEqual(start.answeredAt ?? Number.POSITIVE_INFINITY);
    for (const e of edge.calls.filter((c) => c.kind === 'events')) expect(e.receivedAt).toBeGreaterThanOrEqual(start.answeredAt ?? Number.POSITIVE_INFINITY);
  });

  it('drops a task whose start the edge answers with 409', async () => {
    edge.statusFor.set('start', 409);
    const n = await node();
    const t = task('/listing');
    expect((await offer(n, t)).status).toBe(202);
    await edge.waitFor((c) => c.kind === 'start');
    await n.close(); // returns once the task has let go of its slot
    expect(edge.calls.filter((c) => c.kind === 'result' || c.kind === 'events')).toHaveLength(0);
    expect(n.health().inFlight).toBe(0);
  });

  it('a batch offer with a stale lease inside: that task is dropped at its start, the other runs (ADR 0064)', async () => {
    const n = await node();
    const [stale, fresh] = [task('/listing'), task('/listing')];
    edge.statusFor.set(`start:${stale.taskId}`, 409);
    const body = JSON.stringify({ v: 1, tasks: [stale, fresh] });
    const res = await fetch(`${n.url}${fleetPaths.taskBatch}`, { method: 'POST', body,
      headers: { 'content-type': 'application/json', ...(await signRequest(SECRET, 'POST', fleetPaths.taskBatch, body)) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ nodeId: n.nodeId, taken: [stale.taskId, fresh.taskId] });
    const result = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(fresh.taskId), 15_000);
    expect(TaskResult.parse(result.body).outcome).toBe('succeeded');
    await n.close();
    const ofStale = edge.calls.filter((c) => c.path.includes(stale.taskId));
    expect(ofStale.map((c) => c.kind)).toEqual(['start']);
    expect(n.health().inFlight).toBe(0);
  });

  it('keeps renewing the lease until its result is answered (a slow edge does not let a finished page lose it)', async () => {
    edge.delayFor.set('result', 1500);
    try {
      const n = await node({ FLEET_HEARTBEAT_MS: '60000' });
      const t = task('/listing', { leaseMs: 600 });
      expect((await offer(n, t)).status).toBe(202);
      const posted = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(t.taskId) && c.answeredAt !== undefined, 20_000);
      const renewals = edge.calls.filter((c) => c.kind === 'heartbeat' && c.path.includes(t.taskId) && c.receivedAt > posted.receivedAt && c.receivedAt < posted.answeredAt!);
      // Renewed every leaseMs / 3 = 200 ms while the answer is held 1.5 s back: several, never none.
      expect(renewals.length).toBeGreaterThanOrEqual(2);
      await n.close();
    } finally {
      edge.delayFor.delete('result');
    }
  });

  it('stops a task whose lease heartbeat answers 409 and posts nothing more', async () => {
    edge.statusFor.set('heartbeat', 409);
    const n = await node({ FLEET_HEARTBEAT_MS: '60000' });
    const t = task('/hang', { leaseMs: 600 });
    expect((await offer(n, t)).status).toBe(202);
    await edge.waitFor((c) => c.kind === 'heartbeat' && c.path.includes(t.taskId));
    const t0 = Date.now();
    await n.close();
    expect(Date.now() - t0).toBeLessThan(2000); // the page was stopped, not waited out
    expect(edge.calls.filter((c) => ['result', 'release'].includes(c.kind))).toHaveLength(0);
  });

  it("never lets a page reach the node's own port, the edge or Chromium's debugging port, even when they are listed", async () => {
    const own = await freePort();
    const [cdp] = pool.debugPorts();
    const listed = [new URL(site.url).host, `127.0.0.1:${own}`, new URL(edge.url).host, `127.0.0.1:${cdp}`];
    const n = await node({ FLEET_PORT: String(own), FLEET_EGRESS_ALLOW: listed.join(',') });
    const outcome = async (url: string): Promise<string> => {
      const t = makeTask(url, { edgeUrl: edge.url });
      expect((await offer(n, t)).status).toBe(202);
      const r = TaskResult.parse((await edge.waitFor((c) => c.kind === 'result' && c.path.includes(t.taskId))).body);
      return r.outcome === 'succeeded' ? 'succeeded' : r.error?.code ?? r.outcome;
    };
    expect(await outcome(`${site.url}/listing`)).toBe('succeeded');
    expect(await outcome(`http://127.0.0.1:${own}/health`)).toBe('BLOCKED_BY_POLICY');
    expect(await outcome(`${edge.url}/health`)).toBe('BLOCKED_BY_POLICY');
    expect(await outcome(`http://127.0.0.1:${cdp}/json/version`)).toBe('BLOCKED_BY_POLICY');
  });

  it('close() releases tasks still running after the drain time', async () => {
    const n = await node({ FLEET_DRAIN_MS: '300' });
    const t = task('/hang');
    expect((await offer(n, t)).status).toBe(202);
    await edge.waitFor((c) => c.kind === 'start');
    await n.close();
    const release = await edge.waitFor((c) => c.kind === 'release', 100);
    expect(release.body).toMatchObject({ leaseToken: t.leaseToken, nodeId: n.nodeId });
    expect(release.signature).toBeNull();
    expect(edge.calls.filter((c) => c.kind === 'result')).toHaveLength(0);
    const last = edge.calls.filter((c) => c.kind === 'heartbeat').at(-1);
    expect(last?.body).toMatchObject({ draining: true, free: 0 });
  });
});
