import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NextTask, Task, edgeInternalPaths, fleetPaths, verifyRequest, type RunEvent } from '@trawl/schemas';
import { startProtocolNode } from './protocol-node.ts';
import { demoCatalog } from '../../demo/src/server.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { call, catalogSkus, followResuming, outcome, README_RETRY, seqGaps, startChaosStack, startRun, type ChaosStack } from '../../bench/lib/chaos-stack.ts';
import { parsePrometheus } from './prometheus.ts';

/**
 * Chaos with an edge of this file's own (issue #15 §3-§4, ADR 0057): it is restarted in place (same port, same
 * persist dir), so it cannot be the shared stack. A node added mid-run gets some of its pages; `wrangler dev`
 * restarted mid-run loses no run, item or event; every queue message delivered twice duplicates nothing.
 */
let stack: ChaosStack;
let key = '';

const startedOn = (events: RunEvent[]) => events.filter((e) => e.type === 'task.started').map((e) => String(e.data?.nodeId));

async function tasksFinished(): Promise<number> {
  let total = 0;
  for (const node of stack.nodes.values()) {
    const { samples } = parsePrometheus(await (await fetch(`${node.url}/metrics`)).text());
    total += samples.filter((s) => s.name === 'trawl_fleet_tasks_total').reduce((n, s) => n + s.value, 0);
  }
  return total;
}

describe('chaos on an edge of its own', () => {
  beforeAll(async () => {
    stack = await startChaosStack({ SITE_MAX_CONCURRENT: '64', SITE_MIN_DELAY_MS: '0', ORG_MAX_TASKS_IN_FLIGHT: '64', ORG_MAX_CONCURRENT_RUNS: '100' });
    key = (await stack.createOrg('Chaos')).key;
  }, 300_000);
  afterAll(async () => { await stack?.close(); }, 60_000);

  // First in the file: the protocol node is the only node, so every task of these runs comes to it.
  it('hands the next browser task ahead with a page\'s start (ADR 0069): counted once that page is done, one per page, back to pending when it never reached the node or its node is lost', async () => {
    const node = await startProtocolNode({ url: stack.url, secret: stack.secret });
    try {
      const pages = ['p1', 'p2', 'p3'].map((p) => `http://127.0.0.1:9/${p}`);
      const spec = { startUrls: pages, itemSelector: 'li', fields: { sku: {} }, concurrency: 1, limits: { taskTimeoutMs: 30_000 } };
      const start = (t: Task, ahead = true) => node.call(edgeInternalPaths.taskStart(t.runId, t.taskId), { leaseToken: t.leaseToken, nodeId: node.nodeId, ...(ahead ? { ahead } : {}) });
      const post = (t: Task, sku: string, over: Record<string, unknown> = {}) => node.call(edgeInternalPaths.taskResult(t.runId, t.taskId),
        { leaseToken: t.leaseToken, attempt: t.attempt, nodeId: node.nodeId, outcome: 'succeeded', items: [{ sku }], discovered: [], timings: { totalMs: 5 }, ...over });
      const aheadIn = async (answer: { status: number; body: Record<string, unknown> }): Promise<Task> => {
        expect(answer.status).toBe(200);
        const next = NextTask.parse(answer.body.next);
        expect(await verifyRequest(stack.secret, new Headers(next.headers), 'POST', fleetPaths.tasks, next.body)).toBeNull();
        return Task.parse(JSON.parse(next.body));
      };

      // The chain: each page's start carries the next page; nothing else is dispatched while a page is open.
      const runId = await startRun(stack.url, key, 'Ahead', spec);
      const t1 = await node.nextTask(runId);
      const t2 = await aheadIn(await start(t1));
      expect(t2).toMatchObject({ runId, url: pages[1], attempt: 1, budgetMs: 40_000 });
      // One per page: the start said again (a retried call) hands nothing more.
      expect((await start(t1)).body).toEqual({ ok: true, leaseMs: 3000 });
      const r1 = await post(t1, 'S1', { ahead: t2.leaseToken, acceptNext: true });
      expect(r1.body).toEqual({ ok: true, duplicate: false });
      // t2 now counts against concurrency 1: p3 is not dispatched until t2 is done.
      await new Promise((r) => setTimeout(r, 1500));
      expect(node.tasks.filter((t) => t.runId === runId).map((t) => t.url)).toEqual([pages[0]]);
      const t3 = await aheadIn(await start(t2));
      expect(t3.url).toBe(pages[2]);
      await post(t2, 'S2', { ahead: t3.leaseToken });
      expect((await start(t3)).body).toEqual({ ok: true, leaseMs: 3000 });
      await post(t3, 'S3');
      const { events } = await followResuming(() => stack.url, key, runId, 30_000);
      const done = await call(stack.url, key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
      expect(done.text.trim().split('\n').map((l) => (JSON.parse(l) as { sku: string }).sku).sort()).toEqual(['S1', 'S2', 'S3']);
      expect(events.filter((e) => e.type === 'task.started').map((e) => e.data?.ahead ?? false)).toEqual([false, true, true]);

      // A start answer that never reached the node: the page's result names no task ahead, so that task goes back to
      // pending at once (no attempt spent) and comes again through the queue; its old lease is fenced off.
      const lostId = await startRun(stack.url, key, 'Ahead lost', spec);
      const l1 = await node.nextTask(lostId);
      const l2 = await aheadIn(await start(l1));
      await post(l1, 'S1');
      const again = await node.nextTask(lostId, 10_000);
      expect([again.taskId, again.url, again.attempt]).toEqual([l2.taskId, pages[1], 1]);
      expect(again.leaseToken).not.toBe(l2.leaseToken);
      expect((await start(l2, false)).status).toBe(409);

      // Its node lost (no lease renewal past LEASE_MS 3000): the page and the task held ahead of it both come back,
      // one at a time again: the page first, and the other handed ahead of it under a new lease.
      const deadId = await startRun(stack.url, key, 'Ahead node lost', { ...spec, startUrls: pages.slice(0, 2) });
      const d1 = await node.nextTask(deadId);
      const d2 = await aheadIn(await start(d1));
      const d1again = await node.nextTask(deadId, 15_000);
      expect([d1again.taskId, d1again.leaseToken === d1.leaseToken]).toEqual([d1.taskId, false]);
      expect((await start(d2, false)).status).toBe(409);
      const d2again = await aheadIn(await start(d1again));
      expect([d2again.taskId, d2again.leaseToken === d2.leaseToken]).toEqual([d2.taskId, false]);
      // Left unfinished on purpose: cancelled, so the real nodes of the next tests never get their pages.
      for (const id of [lostId, deadId]) expect((await call(stack.url, key, 'POST', `/v1/runs/${id}/cancel`)).status).toBe(200);
    } finally {
      await node.close();
    }
  }, 120_000);

  it('a node added mid-run gets some of the run\'s remaining pages, nothing restarted', async () => {
    const first = await stack.addNode(1, 'first');
    // Twelve product pages, one at a time, each held 1.5 s: the only node hands each result back and used to get
    // the next page in the answer every time, so a node added meanwhile got none.
    const products = demoCatalog().slice(0, 12);
    const spec = {
      startUrls: products.map((p) => `${stack.demo.url}${p.url}`), itemSelector: 'body', fields: { name: { selector: 'h1', required: true } },
      dedupeKey: ['name'], concurrency: 1, actions: [{ do: 'delay', ms: 1500 }], retry: README_RETRY,
    };
    const runId = await startRun(stack.url, key, 'New node', spec);
    let added: Promise<string> | null = null;
    let succeeded = 0;
    let pagesBeforeJoin = -1;
    // The second node starts as soon as the first page does (a node takes seconds to start its browser).
    const { events } = await followResuming(() => stack.url, key, runId, 120_000, (e) => {
      if (e.type === 'task.succeeded') succeeded++;
      if (!added && e.type === 'task.started') added = stack.addNode(1, 'added').then((id) => { pagesBeforeJoin = succeeded; return id; });
    });
    const second = await added!;
    expect(pagesBeforeJoin).toBeLessThan(products.length - 2);
    const o = await call(stack.url, key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
    expect(o.text.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name).sort()).toEqual(products.map((p) => p.name).sort());
    const nodes = startedOn(events);
    expect(nodes[0]).toBe(first);
    expect(nodes.filter((n) => n === second).length).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it('wrangler dev restarted mid-run: the runs complete with exact items, the subscriber resumes with no gap', async () => {
    if (stack.nodes.size < 2) await stack.addNode(2);
    const spec = { ...demoJobSpec(stack.demo.url, 'catalog-js'), concurrency: 1, actions: [{ do: 'delay', ms: 1500 }], retry: README_RETRY };
    const runIds = await Promise.all([0, 1].map((i) => startRun(stack.url, key, `Restart ${i}`, spec)));
    let restarted: Promise<number> | null = null;
    const follows = runIds.map((id) => followResuming(() => stack.url, key, id, 150_000, (e) => {
      if (!restarted && e.type === 'task.succeeded') restarted = stack.restartEdge();
    }));
    const followed = await Promise.all(follows);
    expect(restarted).not.toBeNull();
    await restarted;
    for (const [i, id] of runIds.entries()) {
      expect(await outcome(stack.url, key, id, catalogSkus())).toEqual({ status: 'succeeded', items: 60, lost: 0, duplicated: 0, unexpected: 0 });
      const { events, reconnects } = followed[i]!;
      expect(reconnects).toBeGreaterThanOrEqual(1);
      expect(seqGaps(events)).toEqual({ missing: [], duplicated: [] });
      expect(events.filter((e) => e.type === 'run.finished').length).toBe(1);
    }
  }, 180_000);

  it('every queue message delivered twice (TEST_DELIVER_TWICE): five runs, exactly the catalog each, no duplicate', async () => {
    await stack.restartEdge({ TEST_DELIVER_TWICE: 'true' });
    while (stack.nodes.size < 3) await stack.addNode(2);
    const before = await tasksFinished();
    // No dedupe key: a page's result applied twice would show as duplicated rows.
    const { dedupeKey: _unused, ...spec } = { ...demoJobSpec(stack.demo.url, 'catalog-js'), concurrency: 2, retry: README_RETRY };
    const runIds = await Promise.all([0, 1, 2, 3, 4].map((i) => startRun(stack.url, key, `Twice ${i}`, spec)));
    for (const id of runIds) {
      expect(await outcome(stack.url, key, id, catalogSkus())).toEqual({ status: 'succeeded', items: 60, lost: 0, duplicated: 0, unexpected: 0 });
    }
    // The switch took effect: the nodes took more tasks than the 15 pages (the copies: a second node's is refused at its start, ADR 0066).
    expect(await tasksFinished() - before).toBeGreaterThan(15);
  }, 150_000);
});
