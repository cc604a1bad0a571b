import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RunEvent } from '@trawl/schemas';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';
import { expectedRecords } from './expected.ts';

describe('resilience', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  const nodes: FleetNode[] = [];
  beforeAll(async () => { org = await newOrg('Resilience'); });
  afterAll(async () => { for (const n of nodes) await n.stop(2000); });

  it('a fleet node killed in the middle of a run: after a restart the run completes with every record exactly once', async () => {
    const demoUrl = inject('demoUrl');
    const fleetOpts = { edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 };
    const first = await startFleet({ ...fleetOpts, nodeId: 'node-a' });
    nodes.push(first);
    // The JS variant with a pause per page keeps the node busy long enough to be killed mid-task.
    const spec = { ...demoJobSpec(demoUrl, 'catalog-js'), concurrency: 1 };
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Resilient', spec });
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const runId = String(run.body.id);

    let killed: Promise<void> | null = null;
    let restarted: Promise<FleetNode> | null = null;
    const onEvent = (e: RunEvent) => {
      // Kill the node as soon as it starts the second page, then bring up a replacement.
      if (!killed && e.type === 'task.started' && e.url?.includes('page-2')) {
        killed = first.kill();
        restarted = killed.then(() => startFleet({ ...fleetOpts, nodeId: 'node-b' }));
      }
    };
    const events = await followEvents(org.key, runId, 90_000, 0, onEvent);
    expect(killed).not.toBeNull();
    nodes.push(await restarted!);

    const done = await waitForRun(org.key, runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ items: 60, pagesSucceeded: 3, pagesFailed: 0 });
    // The killed node's task was handed out again with a new lease.
    const page2Starts = events.filter((e) => e.type === 'task.started' && e.url?.includes('page-2'));
    expect(page2Starts.length).toBeGreaterThanOrEqual(2);
    // A node loss, on its own budget (ADR 0048): not a retry of the job's policy.
    expect(events.some((e) => e.type === 'task.released' && e.data?.code === 'NODE_LOST')).toBe(true);
    expect(done.counts).toMatchObject({ retries: 0 });

    const res = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
    const rows = res.text.trim().split('\n').map((l) => JSON.parse(l) as { sku: string });
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.sku)).size).toBe(60);
    const sort = <T extends { sku: string }>(r: T[]) => [...r].sort((a, b) => a.sku.localeCompare(b.sku));
    expect(sort(rows)).toEqual(sort(expectedRecords(demoUrl)));
  });

  it('a fleet node process that dies: its supervisor reports the task at once and restarts the node, and the run completes', async () => {
    // Only this node takes the run's tasks: the nodes of the test above are stopped first.
    for (const n of nodes.splice(0)) await n.stop(2000);
    const node = await startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2, nodeId: 'node-supervised' });
    nodes.push(node);
    const spec = { ...demoJobSpec(inject('demoUrl'), 'catalog-js'), concurrency: 1 };
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Supervised', spec });
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const runId = String(run.body.id);
    let killedPid = 0;
    const events = await followEvents(org.key, runId, 90_000, 0, (e: RunEvent) => {
      if (!killedPid && e.type === 'task.started' && e.url?.includes('page-2')) killedPid = node.killNode();
    });
    expect(killedPid).toBeGreaterThan(0);
    const done = await waitForRun(org.key, runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ items: 60, pagesSucceeded: 3, pagesFailed: 0 });
    // The retry comes from the supervisor's report, not from the lease running out ("Lease expired: ...").
    const retry = events.find((e) => e.type === 'task.released' && e.url?.includes('page-2'));
    expect(retry?.message).toContain('the fleet node process died (signal SIGKILL) while running the task');
    expect(events.some((e) => String(e.message).startsWith('Lease expired'))).toBe(false);
    // The same supervisor restarted the node (same URL and node id): page 2 ran again on it.
    expect(node.proc.output().match(/FLEET READY/g)).toHaveLength(2);
  });
});
