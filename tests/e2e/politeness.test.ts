import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { edgeInternalPaths, type Task } from '@trawl/schemas';
import { api, followEvents, newOrg, waitForRun } from './client.ts';
import { startProtocolNode, type ProtocolNode } from './protocol-node.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for a condition the system must reach (bounded), so a slow machine only makes the test slower. */
async function until(ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !ok(); await sleep(100)) if (Date.now() > end) throw new Error('condition not reached in time');
}

describe('politeness: per-site and per-organization slots shared by every run (real coordinator and limiter objects)', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let node: ProtocolNode;
  beforeAll(async () => { [org, node] = await Promise.all([newOrg('Polite'), startProtocolNode()]); });
  afterAll(async () => { await node.close(); });

  const finish = async (t: Task) => {
    await node.call(edgeInternalPaths.taskStart(t.runId, t.taskId), { leaseToken: t.leaseToken, nodeId: node.nodeId });
    const res = await node.call(edgeInternalPaths.taskResult(t.runId, t.taskId), {
      leaseToken: t.leaseToken, attempt: t.attempt, nodeId: node.nodeId, outcome: 'succeeded', items: [{ u: t.url }], discovered: [], timings: { totalMs: 1 },
    });
    expect(res.status).toBe(200);
  };
  let lastJobId = '';
  const run = async (urls: string[], concurrency: number) => {
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'polite', spec: { startUrls: urls, itemSelector: 'li', fields: { u: {} }, concurrency } });
    lastJobId = String(job.body.id);
    const r = await api(org.key, 'POST', `/v1/jobs/${lastJobId}/runs`);
    expect(r.status, r.text).toBe(201);
    return String(r.body.id);
  };
  const handedOut = (runIds: string[]) => node.tasks.filter((t) => runIds.includes(t.runId));
  const finished = new WeakSet<Task>();

  it('one page at a time per site across two runs, while another site proceeds; waits are announced', async () => {
    expect((await api(org.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits: { siteMaxConcurrent: 1, siteMinDelayMs: 0 } })).status).toBe(200);
    const a = await run(['http://127.0.0.1:9/a1', 'http://127.0.0.1:9/a2', 'http://127.0.0.1:9/a3'], 3);
    const b = await run(['http://127.0.0.1:9/b1', 'http://localhost:9/other-site'], 2);
    // Site 127.0.0.1 has one slot for the whole organization; localhost is another site.
    await until(() => handedOut([a, b]).length >= 2);
    await sleep(800);
    const first = handedOut([a, b]);
    expect(first.filter((t) => t.url.includes('127.0.0.1'))).toHaveLength(1);
    expect(first.filter((t) => t.url.includes('localhost'))).toHaveLength(1);
    for (let done = 0; done < 5; done++) {
      let pending: Task[] = [];
      for (let i = 0; i < 50 && pending.length === 0; i++) {
        pending = handedOut([a, b]).filter((t) => !finished.has(t));
        if (pending.length === 0) await sleep(100);
      }
      expect(pending.filter((t) => t.url.includes('127.0.0.1')).length).toBeLessThanOrEqual(1);
      finished.add(pending[0]!);
      await finish(pending[0]!);
    }
    expect((await waitForRun(org.key, a)).status).toBe('succeeded');
    expect((await waitForRun(org.key, b)).status).toBe('succeeded');
    const events = await followEvents(org.key, a);
    expect(events.some((e) => e.type === 'task.waiting' && String(e.message).includes('127.0.0.1'))).toBe(true);
  });

  it('spaces the starts on one site by the minimum delay', async () => {
    await api(org.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits: { siteMaxConcurrent: 10, siteMinDelayMs: 800 } });
    const r = await run(['http://127.0.0.1:9/s1', 'http://127.0.0.1:9/s2', 'http://127.0.0.1:9/s3'], 3);
    for (let i = 0; i < 60 && handedOut([r]).length < 3; i++) await sleep(100);
    const times = handedOut([r]).map((t) => node.receivedAt.get(t)!).sort((x, y) => x - y);
    expect(times).toHaveLength(3);
    // Slots are granted 800 ms apart; queue delivery adds a little jitter of its own on the way to the node.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(600);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(600);
    for (const t of handedOut([r])) await finish(t);
    expect((await waitForRun(org.key, r)).status).toBe('succeeded');
  });

  it('caps the organization\'s pages in flight and its concurrent runs', async () => {
    await api(org.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits: { siteMaxConcurrent: 10, siteMinDelayMs: 0, maxTasksInFlight: 2, maxConcurrentRuns: 2 } });
    const r1 = await run(['http://a.test/1', 'http://b.test/1', 'http://c.test/1'], 3);
    const r2 = await run(['http://d.test/1'], 1);
    const third = await api(org.key, 'POST', `/v1/jobs/${lastJobId}/runs`);
    expect(third.status).toBe(429);
    expect((third.body.error as { code: string }).code).toBe('RATE_LIMITED_API');
    await until(() => handedOut([r1, r2]).length >= 2);
    await sleep(800);
    expect(handedOut([r1, r2])).toHaveLength(2);
    for (let i = 0; i < 10 && (handedOut([r1, r2]).length < 4 || handedOut([r1, r2]).some((t) => !finished.has(t))); i++) {
      for (const t of handedOut([r1, r2]).filter((x) => !finished.has(x))) {
        finished.add(t);
        await finish(t);
      }
      await sleep(500);
      expect(handedOut([r1, r2]).filter((t) => !finished.has(t)).length).toBeLessThanOrEqual(2);
    }
    expect((await waitForRun(org.key, r1)).status).toBe('succeeded');
    expect((await waitForRun(org.key, r2)).status).toBe('succeeded');
    await api(org.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [] });
  });

  it('3 organizations x 4 runs on a site with one slot: every run completes and the organizations take turns (ADR 0060)', async () => {
    const admin = (method: string, body?: unknown) => fetch(`${inject('edgeUrl')}/internal/admin/sites/fair-turns.test`, {
      method, headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await admin('PUT', { maxConcurrent: 1, minDelayMs: 0 })).status).toBe(200);
    const orgs = await Promise.all(['a', 'b', 'c'].map((n) => newOrg(`Turns ${n}`)));
    const runOrg = new Map<string, number>();
    // Queued in order: a's four runs, then b's, then c's; a lone slot served first come, first served would run a's first.
    for (const [i, o] of orgs.entries()) {
      const job = await api(o.key, 'POST', '/v1/jobs', { name: 'turns', spec: { startUrls: ['http://fair-turns.test/p'], itemSelector: 'li', fields: { u: {} } } });
      for (let r = 0; r < 4; r++) {
        const res = await api(o.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
        expect(res.status, res.text).toBe(201);
        runOrg.set(String(res.body.id), i);
      }
    }
    const runIds = [...runOrg.keys()];
    const order: number[] = [];
    for (let n = 0; n < 12; n++) {
      // The next run starts only when the slot is given back, woken by the limiter (its fallback ask is minutes away).
      await until(() => handedOut(runIds).some((t) => !finished.has(t)), 10_000);
      const open = handedOut(runIds).filter((t) => !finished.has(t));
      expect(open).toHaveLength(1);
      order.push(runOrg.get(open[0]!.runId)!);
      finished.add(open[0]!);
      await finish(open[0]!);
    }
    for (const [id, i] of runOrg) expect((await waitForRun(orgs[i]!.key, id)).status).toBe('succeeded');
    // a started first; b and c take the next two turns (in the limiter's order), then the same three again and again.
    expect(order[0]).toBe(0);
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order).toEqual(Array.from({ length: 12 }, (_, k) => order[k % 3]));
    await admin('PUT', { maxConcurrent: null, minDelayMs: null });
  });
});
