import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeInternalPaths, type Task } from '@trawl/schemas';
import { api, followEvents, newOrg } from './client.ts';
import { startProtocolNode, type ProtocolNode } from './protocol-node.ts';

const COOKIE = 'kept-session-cookie-value-7f3a9c';
const STATE = { cookies: [{ name: 'sid', value: COOKIE, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] };
const P1 = 'http://127.0.0.1:9/list';
const P2 = 'http://127.0.0.1:9/list?page=2&t=once';

/**
 * ADR 0041 at the coordinator, played by hand against the real edge: a kept session rides only on the signed,
 * leased session call (never in the queued task or the run's events), a stale or forged lease gets nothing, and a
 * retry carries the last good page to restart from.
 */
describe('kept session: sealed in the coordinator, handed over only to the current lease', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let node: ProtocolNode;
  beforeAll(async () => { [org, node] = await Promise.all([newOrg('Kept session protocol'), startProtocolNode()]); });
  afterAll(async () => { await node.close(); });

  const start = (t: Task) => node.call(edgeInternalPaths.taskStart(t.runId, t.taskId), { leaseToken: t.leaseToken, nodeId: node.nodeId });
  const session = (t: Task, leaseToken = t.leaseToken) => node.call(edgeInternalPaths.taskSession(t.runId, t.taskId), { leaseToken, nodeId: node.nodeId });

  it('the next page gets the state the previous one left; stale and forged leases are refused; a retry restarts from the last good page', async () => {
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'kept', spec: {
      startUrls: [P1], itemSelector: 'li', fields: { sku: {} }, pagination: { type: 'nextLink', selector: 'a.next' }, concurrency: 1,
      retry: { maxAttempts: 2 }, session: { keep: true },
    } });
    expect(job.status, job.text).toBe(201);
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const runId = String(run.body.id);

    const t1 = await node.nextTask(runId);
    expect(t1.session).toEqual({ state: false });
    expect((await start(t1)).status).toBe(200);
    expect(await session(t1)).toEqual({ status: 200, body: { storageState: null } });
    const r1 = { leaseToken: t1.leaseToken, attempt: 1, nodeId: node.nodeId, outcome: 'succeeded', items: [{ sku: 'A' }],
      discovered: [{ url: P2, kind: 'page' }], timings: { totalMs: 5 }, sessionState: STATE };
    expect((await node.call(edgeInternalPaths.taskResult(runId, t1.taskId), r1)).status).toBe(200);

    const t2 = await node.nextTask(runId);
    expect(t2).toMatchObject({ url: P2, session: { state: true } });
    expect(JSON.stringify(t2)).not.toContain(COOKIE);
    // Before the start and with someone else's or a finished task's lease: nothing.
    expect((await session(t2, 'forged-lease-token')).status).toBe(409);
    expect((await node.call(edgeInternalPaths.taskSession(runId, t2.taskId), { leaseToken: t1.leaseToken, nodeId: node.nodeId })).status).toBe(409);
    expect((await session(t1)).status).toBe(409);
    expect((await start(t2)).status).toBe(200);
    expect(await session(t2)).toEqual({ status: 200, body: { storageState: STATE } });

    const fail = { leaseToken: t2.leaseToken, attempt: 1, nodeId: node.nodeId, outcome: 'failed', items: [], discovered: [], timings: { totalMs: 5 },
      error: { code: 'HTTP_5XX', message: 'HTTP 500', url: P2, attempt: 1 } };
    expect((await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), fail)).status).toBe(200);
    const retry = await node.nextTask(runId, 30_000);
    expect(retry).toMatchObject({ taskId: t2.taskId, attempt: 2, url: P2, session: { state: true, resumeFrom: P1 } });
    expect((await session(t2)).status).toBe(409);
    expect((await start(retry)).status).toBe(200);
    expect(await session(retry)).toEqual({ status: 200, body: { storageState: STATE } });
    const r2 = { leaseToken: retry.leaseToken, attempt: 2, nodeId: node.nodeId, outcome: 'succeeded', items: [{ sku: 'B' }], discovered: [], timings: { totalMs: 5 } };
    expect((await node.call(edgeInternalPaths.taskResult(runId, t2.taskId), r2)).status).toBe(200);

    const events = await followEvents(org.key, runId);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', data: { status: 'succeeded' } });
    expect(JSON.stringify(events)).not.toContain(COOKIE);
  });
});
