import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NextTask, Task, edgeInternalPaths, fleetPaths, verifyRequest } from '@trawl/schemas';
import { api, followEvents, newOrg, waitForRun } from './client.ts';
import { startProtocolNode, type ProtocolNode } from './protocol-node.ts';

const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ sku: `S${from + i}`, name: `Item ${from + i}`, price: from + i }));
const result = (task: Task, nodeId: string, data: Array<Record<string, unknown>>, discovered: string[] = []) => ({
  leaseToken: task.leaseToken, attempt: task.attempt, nodeId, outcome: 'succeeded', items: data,
  discovered: discovered.map((url) => ({ url, kind: 'page' })), timings: { totalMs: 5 },
});

describe('run coordinator (real Durable Object, queue and D1 under wrangler dev)', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let node: ProtocolNode;
  beforeAll(async () => { [org, node] = await Promise.all([newOrg('Coord'), startProtocolNode()]); });
  afterAll(async () => { await node.close(); });

  async function startRun(extra: Record<string, unknown> = {}) {
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'coord', spec: {
      startUrls: ['http://127.0.0.1:9/p1'], itemSelector: 'li', fields: { sku: {}, name: {}, price: {} }, concurrency: 1, ...extra,
    } });
    expect(job.status).toBe(201);
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    expect(run.status).toBe(201);
    return String(run.body.id);
  }

  it('applies a task result once: the same result delivered twice adds no item twice; stale leases are fenced off', async () => {
    const runId = await startRun({ dedupeKey: ['sku'] });
    const t1 = await node.nextTask(runId);
    expect(t1.runId).toBe(runId);
    expect(t1.url).toBe('http://127.0.0.1:9/p1');
    const start = await node.call(edgeInternalPaths.taskStart(runId, t1.taskId), { leaseToken: t1.leaseToken, nodeId: node.nodeId });
    expect(start.status).toBe(200);
    expect((await node.call(edgeInternalPaths.taskStart(runId, t1.taskId), { leaseToken: 'forged', nodeId: node.nodeId })).status).toBe(409);

    // The attempt's last events ride with the result: recorded once (not again with the duplicate), before it applies.
    const r1 = { ...result(t1, node.nodeId, items(1, 20), ['http://127.0.0.1:9/p2']),
      events: [{ type: 'page.navigated', level: 'info', message: 'navigated (HTTP 200) in 5 ms', ts: Date.now(), data: { status: 200 } }] };
    const first = await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), r1);
    expect(first).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    const again = await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), { ...r1, acceptNext: true });
    // A duplicate hands nothing back: the next page already went out when the result was first applied.
    expect(again).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    const forged = await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), { ...r1, leaseToken: 'other', items: items(100, 5) });
    expect(forged.status).toBe(409);

    // Page 2 repeats 5 of page 1's keys: dedupe by key keeps one of each.
    const t2 = await node.nextTask(runId);
    expect(t2.url).toBe('http://127.0.0.1:9/p2');
    expect(t2.depth).toBe(1);
    await node.call(edgeInternalPaths.taskStart(runId, t2.taskId), { leaseToken: t2.leaseToken, nodeId: node.nodeId });
    const r2 = result(t2, node.nodeId, items(16, 20));
    expect((await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), r2)).body.duplicate).toBe(false);
    expect((await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), r2)).body.duplicate).toBe(true);

    const run = await waitForRun(org.key, runId);
    expect(run.status).toBe('succeeded');
    expect((run.counts as { items: number }).items).toBe(35);
    const jsonl = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
    const skus = jsonl.text.trim().split('\n').map((l) => (JSON.parse(l) as { sku: string }).sku);
    expect(skus).toEqual(items(1, 35).map((i) => i.sku));
    expect(run.changes).toEqual({ added: 35, changed: 0, removed: 0 });

    // Late joiners get the whole history, then the end of the stream.
    const events = await followEvents(org.key, runId);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run.queued');
    expect(types.filter((t) => t === 'task.succeeded')).toHaveLength(2);
    const navigated = events.filter((e) => e.type === 'page.navigated');
    expect(navigated).toHaveLength(1);
    expect(navigated[0]).toMatchObject({ taskId: t1.taskId, url: 'http://127.0.0.1:9/p1', message: 'navigated (HTTP 200) in 5 ms' });
    expect(types.indexOf('page.navigated')).toBeLessThan(types.indexOf('task.succeeded'));
    expect(types.at(-1)).toBe('run.finished');
    expect(events.map((e) => e.seq)).toEqual(events.map((e) => e.seq).sort((x, y) => x - y));
    const tail = await followEvents(org.key, runId, 10_000, events.at(-2)!.seq);
    expect(tail.map((e) => e.seq)).toEqual([events.at(-1)!.seq]);
  });

  it('retries a retryable failure with a new lease, then fails the run with the task\'s code after the last attempt', async () => {
    const runId = await startRun({ retry: { maxAttempts: 2 } });
    const t1 = await node.nextTask(runId);
    await node.call(edgeInternalPaths.taskStart(runId, t1.taskId), { leaseToken: t1.leaseToken, nodeId: node.nodeId });
    const fail = (t: Task) => ({ leaseToken: t.leaseToken, attempt: t.attempt, nodeId: node.nodeId, outcome: 'failed', items: [], discovered: [],
      error: { code: 'HTTP_5XX', message: 'Server said 503', url: t.url }, timings: { totalMs: 3 } });
    expect((await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), fail(t1))).status).toBe(200);
    const t2 = await node.nextTask(runId);
    expect(t2.taskId).toBe(t1.taskId);
    expect(t2.attempt).toBe(2);
    expect(t2.leaseToken).not.toBe(t1.leaseToken);
    // The default trace setting, on-retry: the first attempt records none, the retry records and keeps it on failure.
    expect(t1.spec.artifacts.trace).toBe('off');
    expect(t2.spec.artifacts.trace).toBe('on-failure');
    await node.call(edgeInternalPaths.taskStart(runId, t2.taskId), { leaseToken: t2.leaseToken, nodeId: node.nodeId });
    await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), fail(t2));
    const run = await waitForRun(org.key, runId);
    expect(run.status).toBe('failed');
    expect((run.error as { code: string }).code).toBe('HTTP_5XX');
    expect((run.counts as { retries: number }).retries).toBe(1);
    const res = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=json`);
    expect(res.body).toEqual([]);
  });

  it('hands the run\'s next task back in the answer to a result when the node has room, signed like an offer', async () => {
    const runId = await startRun();
    const t1 = await node.nextTask(runId);
    await node.call(edgeInternalPaths.taskStart(runId, t1.taskId), { leaseToken: t1.leaseToken, nodeId: node.nodeId });
    // Past the test deployment's spacing between two starts on one site (SITE_MIN_DELAY_MS 50), so p2 may go at once.
    await new Promise((r) => setTimeout(r, 150));
    const answer = await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), { ...result(t1, node.nodeId, items(1, 2), ['http://127.0.0.1:9/p2']), acceptNext: true });
    expect(answer.status).toBe(200);
    const next = NextTask.parse(answer.body.next);
    expect(await verifyRequest(inject('fleetSecret'), new Headers(next.headers), 'POST', fleetPaths.tasks, next.body)).toBeNull();
    expect(await verifyRequest('another-secret-0123456789', new Headers(next.headers), 'POST', fleetPaths.tasks, next.body)).not.toBeNull();
    const t2 = Task.parse(JSON.parse(next.body));
    expect(t2).toMatchObject({ runId, url: 'http://127.0.0.1:9/p2', attempt: 1, depth: 1 });
    // It is leased like a dispatched task: the start call with its token is accepted, a forged one fenced off.
    expect((await node.call(edgeInternalPaths.taskStart(runId, t2.taskId), { leaseToken: 'forged', nodeId: node.nodeId })).status).toBe(409);
    expect((await node.call(edgeInternalPaths.taskStart(runId, t2.taskId), { leaseToken: t2.leaseToken, nodeId: node.nodeId })).status).toBe(200);
    const last = await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), { ...result(t2, node.nodeId, items(3, 2)), acceptNext: true });
    expect(last.body).toEqual({ ok: true, duplicate: false });
    const run = await waitForRun(org.key, runId);
    expect(run.status).toBe('succeeded');
    expect((run.counts as { items: number }).items).toBe(4);
  });

  it('hands no task ahead to a site spaced by politeness (ADR 0069): its start would not keep the spacing', async () => {
    // The test deployment spaces starts on one site by SITE_MIN_DELAY_MS 50; the chaos stack (spacing 0) tests the hand-ahead.
    const runId = await startRun({ startUrls: ['http://127.0.0.1:9/s1', 'http://127.0.0.1:9/s2'] });
    const t1 = await node.nextTask(runId);
    await new Promise((r) => setTimeout(r, 150));
    const started = await node.call(edgeInternalPaths.taskStart(runId, t1.taskId), { leaseToken: t1.leaseToken, nodeId: node.nodeId, ahead: true });
    expect(started.body).toEqual({ ok: true, leaseMs: 3000 });
    expect((await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), result(t1, node.nodeId, items(1, 1)))).status).toBe(200);
    const t2 = await node.nextTask(runId);
    await node.call(edgeInternalPaths.taskStart(runId, t2.taskId), { leaseToken: t2.leaseToken, nodeId: node.nodeId });
    expect((await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), result(t2, node.nodeId, items(2, 1)))).status).toBe(200);
    expect((await waitForRun(org.key, runId)).status).toBe('succeeded');
  });

  it('applies a batch of results entry by entry (ADR 0061): stale and unknown entries refused, a re-posted batch adds nothing twice, next tasks per asking entry', async () => {
    const runId = await startRun({ startUrls: ['http://127.0.0.1:9/b1', 'http://127.0.0.1:9/b2', 'http://127.0.0.1:9/b3'], concurrency: 3 });
    const tasks = [await node.nextTask(runId), await node.nextTask(runId), await node.nextTask(runId)];
    const [t1, t2, t3] = ['b1', 'b2', 'b3'].map((p) => tasks.find((t) => t.url.endsWith(`/${p}`))!);
    expect(new Set(tasks.map((t) => t.url)).size).toBe(3);
    const path = edgeInternalPaths.runResults(runId);
    // Fast-path style: the start rides with the result (startedOn), under the same lease.
    const r = (t: Task, from: number, discovered: string[] = []) => ({ ...result(t, node.nodeId, items(from, 2), discovered), startedOn: node.nodeId });
    expect((await node.call(path, { v: 2, results: [{ taskId: t1!.taskId, result: r(t1!, 1) }] })).status).toBe(400);
    expect((await node.call(path, { v: 1, results: [{ taskId: t1!.taskId, result: r(t1!, 1) }, { taskId: t1!.taskId, result: r(t1!, 1) }] })).status).toBe(400);
    await new Promise((res) => setTimeout(res, 150)); // past SITE_MIN_DELAY_MS, so b4 may go at once
    const first = await node.call(path, { v: 1, results: [
      { taskId: t1!.taskId, result: { ...r(t1!, 1, ['http://127.0.0.1:9/b4']), acceptNext: true } },
      { taskId: t2!.taskId, result: { ...r(t2!, 3), leaseToken: 'forged' } },
      { taskId: 'tsk_unknown', result: r(t3!, 5) },
    ] });
    expect(first.status).toBe(200);
    const answers = first.body.answers as Array<{ taskId: string; status: string; next?: unknown }>;
    expect(answers.map((a) => [a.taskId, a.status])).toEqual([[t1!.taskId, 'applied'], [t2!.taskId, 'lease-lost'], ['tsk_unknown', 'not-found']]);
    const next = NextTask.parse(answers[0]!.next);
    expect(await verifyRequest(inject('fleetSecret'), new Headers(next.headers), 'POST', fleetPaths.tasks, next.body)).toBeNull();
    const t4 = Task.parse(JSON.parse(next.body));
    expect(t4).toMatchObject({ runId, url: 'http://127.0.0.1:9/b4', depth: 1 });
    // The node lost the answer (it died, or the connection did) and posts the whole batch again: the applied entry is
    // a duplicate (no item twice, no task handed back twice), the others apply now.
    const again = await node.call(path, { v: 1, results: [
      { taskId: t1!.taskId, result: { ...r(t1!, 1, ['http://127.0.0.1:9/b4']), acceptNext: true } },
      { taskId: t2!.taskId, result: r(t2!, 3) },
      { taskId: t3!.taskId, result: r(t3!, 5) },
    ] });
    expect(again.body.answers).toEqual([{ taskId: t1!.taskId, status: 'duplicate' }, { taskId: t2!.taskId, status: 'applied' }, { taskId: t3!.taskId, status: 'applied' }]);
    expect((await node.call(path, { v: 1, results: [{ taskId: t4.taskId, result: r(t4, 7) }] })).body.answers).toEqual([{ taskId: t4.taskId, status: 'applied' }]);
    const run = await waitForRun(org.key, runId);
    expect(run.status).toBe('succeeded');
    const json = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=json`);
    expect((json.body as unknown as Array<{ sku: string }>).map((i) => i.sku).sort()).toEqual(items(1, 8).map((i) => i.sku).sort());
    const events = await followEvents(org.key, runId);
    expect(events.filter((e) => e.type === 'task.started')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'task.succeeded')).toHaveLength(4);
  });

  it('offers a dispatch\'s tasks in one batch (ADR 0064): a node that takes part gets the rest in a later message, each task once', async () => {
    // Three sites, so the test deployment's spacing between starts on one site does not split the dispatch.
    const urls = ['http://127.0.0.1:9/o1', 'http://127.0.0.2:9/o2', 'http://127.0.0.3:9/o3'];
    node.room = 2;
    node.refusals.length = 0;
    try {
      const runId = await startRun({ startUrls: urls, concurrency: 3 });
      const taken = [await node.nextTask(runId), await node.nextTask(runId)];
      const offers = node.offers.filter((o) => o[0]!.runId === runId);
      expect(offers.map((o) => o.map((t) => t.url).sort())).toEqual([urls]);
      expect(taken.map((t) => t.taskId)).toEqual(offers[0]!.slice(0, 2).map((t) => t.taskId));
      // Full (offers of the rest answered 503) until the rest comes back in a later message (the test stack's 1 s retry delay).
      const refusedAgain = async (): Promise<void> => {
        while (!node.refusals.some((t) => t - node.refusals[0]! > 800)) await new Promise((r) => setTimeout(r, 50));
      };
      await refusedAgain();
      node.room = null;
      const rest = await node.nextTask(runId);
      expect(rest.taskId).toBe(offers[0]![2]!.taskId);
      const tasks = [...taken, rest];
      const path = edgeInternalPaths.runResults(runId);
      const answer = await node.call(path, { v: 1, results: tasks.map((t, i) => ({ taskId: t.taskId, result: { ...result(t, node.nodeId, items(10 * i, 2)), startedOn: node.nodeId } })) });
      expect((answer.body.answers as Array<{ status: string }>).map((a) => a.status)).toEqual(['applied', 'applied', 'applied']);
      const run = await waitForRun(org.key, runId);
      expect(run.status).toBe('succeeded');
      expect((run.counts as { items: number }).items).toBe(6);
      // No task offered again once taken: a rest re-sent, not the whole message retried.
      expect(node.tasks.filter((t) => t.runId === runId).map((t) => t.taskId)).toEqual(tasks.map((t) => t.taskId));
    } finally {
      node.room = null;
      node.refusals.length = 0;
    }
  });

  it('re-dispatches a task whose node stopped renewing its lease', async () => {
    const runId = await startRun();
    const t1 = await node.nextTask(runId);
    await node.call(edgeInternalPaths.taskStart(runId, t1.taskId), { leaseToken: t1.leaseToken, nodeId: node.nodeId });
    // No heartbeat: the test edge's lease is 3 s, so the coordinator's alarm hands the task out again.
    const t2 = await node.nextTask(runId, 15_000);
    expect(t2.taskId).toBe(t1.taskId);
    expect(t2.leaseToken).not.toBe(t1.leaseToken);
    expect((await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), result(t1, node.nodeId, items(1, 3)))).status).toBe(409);
    await node.call(edgeInternalPaths.taskStart(runId, t2.taskId), { leaseToken: t2.leaseToken, nodeId: node.nodeId });
    expect((await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), result(t2, node.nodeId, items(1, 3)))).status).toBe(200);
    const run = await waitForRun(org.key, runId);
    expect(run.status).toBe('succeeded');
    expect((run.counts as { items: number }).items).toBe(3);
  });

  it('lists the requests the egress policy refused, per run, to its own organization only', async () => {
    const runId = await startRun();
    const t = await node.nextTask(runId);
    await node.call(edgeInternalPaths.taskStart(runId, t.taskId), { leaseToken: t.leaseToken, nodeId: node.nodeId });
    const blocked = [
      { url: 'http://169.254.169.254/latest/meta-data/', host: '169.254.169.254', address: '169.254.169.254', reason: 'link-local address', resourceType: 'fetch' },
      { url: 'http://10.0.0.1/x.png', host: '10.0.0.1', address: '10.0.0.1', reason: 'private address', resourceType: 'image' },
    ];
    const res = await node.call(edgeInternalPaths.taskResult(runId, t.taskId), { ...result(t, node.nodeId, items(1, 2)), blocked });
    expect(res.status).toBe(200);
    const listed = await api<{ data: Array<Record<string, unknown>> }>(org.key, 'GET', `/v1/runs/${runId}/blocked`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map(({ taskId: _t, ts: _ts, attempt: _a, ...rest }) => rest)).toEqual(blocked);
    expect(listed.body.data[0]).toMatchObject({ taskId: t.taskId, attempt: t.attempt });
    const stranger = await newOrg('Stranger');
    expect((await api(stranger.key, 'GET', `/v1/runs/${runId}/blocked`)).status).toBe(404);
  });
});
