import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NodeHeartbeat, TaskResult } from '@trawl/schemas';
import { makeTask } from './fixtures.ts';
import { childPids, startNodeProcess, type NodeProcess } from './node-process.ts';
import { startRecordingEdge, type RecordingEdge } from './recording-edge.ts';
import { startTestSite, type TestSite } from './test-server.ts';

/**
 * Issue #9: when the node process dies anyway, its supervisor (src/supervisor.ts, what `npm run dev` and the fleet
 * image run) reports the tasks it held to the edge at once and starts the node again under the same node id.
 */
const SECRET = 'supervisor-secret-0123456789abcdef';
let edge: RecordingEdge;
let site: TestSite;
let sup: NodeProcess;

beforeAll(async () => {
  [edge, site] = await Promise.all([startRecordingEdge(SECRET), startTestSite()]);
  sup = await startNodeProcess('supervisor.ts', { FLEET_SECRET: SECRET, TRAWL_EDGE_URL: edge.url, FLEET_EGRESS_ALLOW: new URL(site.url).host, FLEET_WARM_CONTEXTS: '0' });
}, 60_000);

afterAll(async () => {
  await sup?.stop();
  await Promise.all([edge?.close(), site?.close()]);
}, 30_000);

describe('fleet node supervisor', () => {
  it('reports the tasks of a killed node at once and restarts it with the same node id', async () => {
    const firstUrl = sup.url;
    const nodeId = ((await edge.waitFor((c) => c.kind === 'heartbeat')).body as NodeHeartbeat).nodeId;
    // A task that holds its page for 20 s, with a lease the edge would only give up after its deadline.
    const task = makeTask(`${site.url}/listing`, { edgeUrl: edge.url, deadline: Date.now() + 60_000, leaseMs: 30_000 }, { actions: [{ do: 'delay', ms: 20_000 }] });
    expect((await sup.offer(task)).status).toBe(202);
    await edge.waitFor((c) => c.kind === 'start' && c.path.includes(`/tasks/${task.taskId}/`));

    const [nodePid, ...others] = nodeProcesses();
    expect(others).toEqual([]);
    // Started with V8's young generation capped (ADR 0067: FLEET_NODE_SEMI_SPACE_MB, default 16).
    expect(readFileSync(`/proc/${nodePid ?? 0}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=16');
    // The start is announced while the page is being made (ADR 0062) and the browser is launched by the first task
    // (ADR 0065): its processes may appear just after the start call, so they are waited for, not read at once.
    let browsers = childPids(nodePid ?? 0);
    for (const until = Date.now() + 15_000; browsers.length === 0 && Date.now() < until; browsers = childPids(nodePid ?? 0)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(browsers.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(nodePid ?? 0, 'SIGKILL');
    const restarted = sup.nextReady();

    const report = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(`/tasks/${task.taskId}/`), 10_000);
    const reportedMs = Date.now() - killedAt;
    console.info(`the killed node's task was reported to the edge ${reportedMs} ms after the kill`);
    const result = report.body as TaskResult;
    expect(report.signature).toBeNull();
    expect({ outcome: result.outcome, code: result.error?.code, message: result.error?.message, leaseToken: result.leaseToken, nodeId: result.nodeId })
      .toEqual({ outcome: 'failed', code: 'NODE_LOST', message: 'the fleet node process died (signal SIGKILL) while running the task', leaseToken: task.leaseToken, nodeId });
    // Well before the lease (30 s) would have run out.
    expect(reportedMs).toBeLessThan(10_000);

    const url = await restarted;
    expect(url).not.toBe(firstUrl);
    const beat = await edge.waitFor((c) => c.kind === 'heartbeat' && (c.body as NodeHeartbeat).url === url);
    expect((beat.body as NodeHeartbeat).nodeId).toBe(nodeId);
    expect(await sup.health()).toEqual({ status: 200, ok: true });
    expect(nodeProcesses()).not.toContain(nodePid);
    expect(nodeProcesses()).toHaveLength(1);
    // The dead node's Chromium does not outlive it (its watchdog kills the browser's process group).
    const alive = (): number[] => browsers.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
    for (let i = 0; i < 50 && alive().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toEqual([]);
  }, 90_000);

  it('stops with its node on SIGTERM', async () => {
    const [nodePid] = nodeProcesses();
    expect(nodePid).toBeGreaterThan(0);
    await sup.stop();
    expect({ code: sup.child.exitCode, signal: sup.child.signalCode }).toEqual({ code: 0, signal: null });
    expect(() => process.kill(nodePid ?? 0, 0)).toThrow();
  }, 30_000);
});

/** The supervisor's node processes (its other child is tsx's esbuild service). */
function nodeProcesses(): number[] {
  return childPids(sup.child.pid ?? 0).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('main.ts'));
}
