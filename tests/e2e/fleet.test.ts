import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunEvent } from '@trawl/schemas';
import { demoCatalog } from '../../demo/src/server.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';
import { expectedRecords } from './expected.ts';

/**
 * Many fleet nodes (issue #15 §3, ADR 0048): node loss on its own budget, the dead-letter path, a late subscriber's
 * whole history, dispatch across nodes, a node added mid-life and a node drained on purpose. The stack runs with
 * test-sized settings (global-setup.ts: lease 3 s, queue retry delays capped at 1 s, event pages of 40).
 */
const README_RETRY = { maxAttempts: 3, codes: ['HTTP_5XX', 'RATE_LIMITED', 'NAVIGATION_TIMEOUT', 'BLOCKED_BY_SITE'] };
const tag = Math.random().toString(36).slice(2, 7);
const nodes = new Map<string, FleetNode>();
let key = '';

async function addNode(name: string): Promise<string> {
  const nodeId = `fleet-${name}-${tag}`;
  nodes.set(nodeId, await startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2, nodeId }));
  return nodeId;
}

async function startRun(name: string, spec: Record<string, unknown>): Promise<string> {
  const job = await api(key, 'POST', '/v1/jobs', { name, spec });
  expect(job.status).toBe(201);
  const run = await api(key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
  expect(run.status).toBe(201);
  return String(run.body.id);
}

/** Product pages as start URLs: one quick task each, one item each (its name). */
function productsSpec(count: number) {
  const products = demoCatalog().slice(0, count);
  const spec = {
    startUrls: products.map((p) => `${inject('demoUrl')}${p.url}`), itemSelector: 'body',
    fields: { name: { selector: 'h1', required: true } }, dedupeKey: ['name'], concurrency: 6, retry: README_RETRY,
  };
  return { spec, names: products.map((p) => p.name).sort() };
}

/** The slow demo catalog (3 pages, one at a time, each held 1.5 s): a node can be killed or drained mid-task. */
const slowCatalog = () => ({ ...demoJobSpec(inject('demoUrl'), 'catalog-js'), concurrency: 1, actions: [{ do: 'delay', ms: 1500 }], retry: README_RETRY });

const startedOn = (events: RunEvent[]) => events.filter((e) => e.type === 'task.started').map((e) => String(e.data?.nodeId));

async function resultRows<T>(runId: string): Promise<T[]> {
  const res = await api(key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
  expect(res.status).toBe(200);
  return res.text.trim().split('\n').map((l) => JSON.parse(l) as T);
}

describe('many fleet nodes', () => {
  beforeAll(async () => { key = (await newOrg('Fleet')).key; });
  afterAll(async () => { await Promise.all([...nodes.values()].map((n) => n.stop(5000))); });

  it('a task no node takes is dead-lettered inside its lease and dispatched again without spending an attempt', async () => {
    // No node of this file is up yet (other files' nodes are stopped, so drained): the queue gives up on the task.
    const { spec, names } = productsSpec(1);
    const runId = await startRun('Dead letter', spec);
    let started: Promise<string[]> | null = null;
    const events = await followEvents(key, runId, 60_000, 0, (e) => {
      if (!started && e.type === 'task.released') started = Promise.all([addNode('a'), addNode('b')]);
    });
    expect(started).not.toBeNull();
    await started;
    const release = events.find((e) => e.type === 'task.released');
    expect(release?.data).toEqual({ code: 'NODE_LOST', reason: 'no fleet node accepted the task after every queue retry', nodeLosses: 1, policyAttempt: 1 });
    const done = await waitForRun(key, runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ items: 1, pagesSucceeded: 1, pagesFailed: 0, retries: 0 });
    expect(events.filter((e) => e.type === 'task.retrying')).toEqual([]);
    expect((await resultRows<{ name: string }>(runId)).map((r) => r.name)).toEqual(names);
  });

  it('a node killed mid-task: with the README retry policy the page succeeds on another node, no attempt spent, items exact', async () => {
    const runId = await startRun('Node lost', slowCatalog());
    let victim = '';
    let killed: Promise<void> | null = null;
    const live = await followEvents(key, runId, 90_000, 0, (e) => {
      if (!killed && e.type === 'task.started' && e.url?.includes('page-2')) {
        victim = String(e.data?.nodeId);
        killed = nodes.get(victim)!.kill();
      }
    });
    await killed;
    nodes.delete(victim);
    const done = await waitForRun(key, runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ items: 60, pagesSucceeded: 3, pagesFailed: 0, retries: 0 });
    const page2 = live.filter((e) => e.url?.includes('page-2') && e.type.startsWith('task.'));
    expect(page2.map((e) => e.type)).toEqual(['task.started', 'task.released', 'task.started', 'task.succeeded']);
    expect(page2[1]!.data).toEqual({ code: 'NODE_LOST', reason: 'lease expired: its fleet node stopped renewing the lease', nodeLosses: 1, policyAttempt: 1 });
    expect(page2[2]!.data?.nodeId).not.toBe(victim);
    // The retry policy's attempt is the same on the second node: the loss spent none of its 3.
    expect(page2.filter((e) => e.type === 'task.started').map((e) => e.data?.policyAttempt)).toEqual([1, 1]);
    const rows = await resultRows<{ sku: string }>(runId);
    const bySku = <T extends { sku: string }>(r: T[]) => [...r].sort((a, b) => a.sku.localeCompare(b.sku));
    expect(bySku(rows)).toEqual(bySku(expectedRecords(inject('demoUrl'))));

  });

  it('nodes added while the edge and the other nodes run take their share of a run\'s tasks', async () => {
    const added = await Promise.all([addNode('c'), addNode('d')]);
    const { spec, names } = productsSpec(24);
    const runId = await startRun('Spread', spec);
    const live = await followEvents(key, runId, 60_000);
    const done = await waitForRun(key, runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ items: 24, pagesSucceeded: 24, pagesFailed: 0, retries: 0 });
    const on = startedOn(live);
    expect(on).toHaveLength(24);
    const share = Object.fromEntries([...nodes.keys()].map((id) => [id, on.filter((n) => n === id).length]));
    // Three live nodes; each of them, the two just added included, ran some of the 24 pages.
    expect(Object.keys(share).sort()).toEqual([...nodes.keys()].sort());
    expect(nodes.size).toBe(3);
    for (const id of nodes.keys()) expect(share[id], `${id}: ${JSON.stringify(share)}`).toBeGreaterThan(0);
    for (const id of added) expect(nodes.has(id)).toBe(true);
    expect((await resultRows<{ name: string }>(runId)).map((r) => r.name).sort()).toEqual(names);
    // A subscriber joining after the end pages through the whole history (pages of 40): the same events, in order.
    const late = await followEvents(key, runId, 30_000, 0);
    expect(live.length).toBeGreaterThan(40);
    expect(late.map((e) => e.seq)).toEqual(Array.from({ length: late.length }, (_, i) => i + 1));
    expect(late.map((e) => `${e.seq}:${e.type}`)).toEqual(live.map((e) => `${e.seq}:${e.type}`));
    const fromCursor = await followEvents(key, runId, 30_000, 45);
    expect(fromCursor.map((e) => e.seq)).toEqual(late.slice(45).map((e) => e.seq));
  });

  it('a node drained mid-run (SIGTERM) finishes its task, gets no new one, and the run\'s items are exact', async () => {
    const runId = await startRun('Drain', slowCatalog());
    let drained = '';
    let drainedAtSeq = 0;
    const events = await followEvents(key, runId, 90_000, 0, (e) => {
      if (!drained && e.type === 'task.started' && e.url?.includes('page-1')) {
        drained = String(e.data?.nodeId);
        drainedAtSeq = e.seq;
        // SIGTERM to the supervisor only (it passes it on to its node), as a deploy or a scale-down sends it.
        process.kill(nodes.get(drained)!.proc.child.pid!, 'SIGTERM');
      }
    });
    const done = await waitForRun(key, runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ items: 60, pagesSucceeded: 3, pagesFailed: 0, retries: 0 });
    // Page 1 ran once, on the drained node, to the end: nothing released, nothing started again.
    const page1 = events.filter((e) => e.url?.includes('page-1') && e.type.startsWith('task.'));
    expect(page1.map((e) => e.type)).toEqual(['task.started', 'task.succeeded']);
    expect(events.filter((e) => e.type === 'task.released')).toEqual([]);
    const after = events.filter((e) => e.type === 'task.started' && e.seq > drainedAtSeq);
    expect(after).toHaveLength(2);
    for (const e of after) expect(e.data?.nodeId).not.toBe(drained);
    await nodes.get(drained)!.proc.stop(25_000);
    nodes.delete(drained);
    const rows = await resultRows<{ sku: string }>(runId);
    expect(rows.map((r) => r.sku).sort()).toEqual(expectedRecords(inject('demoUrl')).map((r) => r.sku).sort());
  });
});
