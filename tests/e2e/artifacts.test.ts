import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchChromium } from './browser.ts';
import { traceIdOf, type Artifact } from '@trawl/schemas';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { harOf, pngSize, traceEvents, zipEntries } from '../../browser-fleet/test/artifact-files.ts';
import { api, newOrg, waitForRun } from './client.ts';
import { parsePrometheus, sampleValue } from './prometheus.ts';


async function bytesOf(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Uint8Array; type: string | null }> {
  const res = await fetch(url, { headers });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') };
}

async function metricsOf(fleetUrl: string) {
  const res = await fetch(`${fleetUrl}/metrics`);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return parsePrometheus(await res.text());
}

describe('every failed task can be explained: trace, HAR, screenshot, logs, metrics', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let other: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let runId = '';
  let listed: Artifact[] = [];
  let before: ReturnType<typeof parsePrometheus>;

  beforeAll(async () => {
    [org, other, fleet] = await Promise.all([newOrg('Artifacts'), newOrg('Outsider'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    before = await metricsOf(fleet.url);
    const demoUrl = inject('demoUrl');
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Always fails', spec: {
      ...demoJobSpec(demoUrl), wait: { selector: '#never-there', timeoutMs: 800 }, retry: { maxAttempts: 1 },
      artifacts: { trace: 'always', har: 'always', screenshots: 'on-failure' },
    } });
    expect(job.status).toBe(201);
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    runId = String(run.body.id);
    const done = await waitForRun(org.key, runId);
    expect(done.status).toBe('failed');
    const list = await api<{ data: Artifact[] }>(org.key, 'GET', `/v1/runs/${runId}/artifacts`);
    expect(list.status).toBe(200);
    listed = list.body.data;
  });
  afterAll(async () => { await fleet?.stop(); });

  it('lists a trace, a HAR and a screenshot for the failed task, with sizes and links', () => {
    expect(listed.map((a) => a.kind).sort()).toEqual(['har', 'screenshot', 'trace']);
    for (const a of listed) {
      expect(a.bytes).toBeGreaterThan(0);
      expect(a.taskId).toMatch(/^tsk_/);
      expect(a.expiresAt - a.createdAt).toBe(7 * 86_400_000);
    }
    expect(listed.find((a) => a.kind === 'trace')?.viewerUrl).toContain('/trace/index.html?trace=');
  });

  it('the trace zip holds Playwright trace files with the failing wait; the HAR has the page; the PNG decodes', async () => {
    const trace = await bytesOf(listed.find((a) => a.kind === 'trace')!.url);
    expect(trace.status).toBe(200);
    const events = traceEvents(zipEntries(trace.bytes));
    const wait = events.find((e) => e.type === 'before' && e.method === 'waitForSelector');
    expect((wait?.params as { selector?: string } | undefined)?.selector).toBe('#never-there');
    expect(events.find((e) => e.type === 'after' && e.callId === wait?.callId)?.error).toBeTruthy();

    const har = await bytesOf(listed.find((a) => a.kind === 'har')!.url);
    expect(har.type).toContain('application/json');
    const page = `${inject('demoUrl')}/catalog/page-1.html`;
    expect(harOf(har.bytes, false).log.entries.find((e) => e.request.url === page)?.response.status).toBe(200);

    const png = await bytesOf(listed.find((a) => a.kind === 'screenshot')!.url);
    expect(pngSize(png.bytes).width).toBeGreaterThan(100);
  });

  it('downloads are organization-scoped with a key, and links are signed', async () => {
    const a = listed[0]!;
    expect((await bytesOf(`${inject('edgeUrl')}/v1/artifacts/${a.id}`, { authorization: `Bearer ${org.key}` })).status).toBe(200);
    expect((await bytesOf(`${inject('edgeUrl')}/v1/artifacts/${a.id}`, { authorization: `Bearer ${other.key}` })).status).toBe(404);
    expect((await bytesOf(`${inject('edgeUrl')}/v1/artifacts/${a.id}`)).status).toBe(401);
    expect((await api(other.key, 'GET', `/v1/runs/${runId}/artifacts`)).status).toBe(404);
    expect((await bytesOf(a.url.replace(/sig=[0-9a-f]+/, `sig=${'0'.repeat(64)}`))).status).toBe(401);
    expect((await bytesOf(a.url.replace(/exp=\d+/, `exp=${Date.now() + 10 * 3600_000}`))).status).toBe(401);
  });

  it('keeps the run\'s event log after the run and serves it as JSON lines', async () => {
    const logs = await api(org.key, 'GET', `/v1/runs/${runId}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.headers.get('x-trawl-log-source')).toBe('archive');
    const lines = logs.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; seq: number });
    expect(lines.map((l) => l.type)).toContain('task.failed');
    expect(lines.at(-1)?.type).toBe('run.finished');
    const seqs = lines.map((l) => l.seq);
    expect(seqs).toEqual(seqs.toSorted((x, y) => x - y));
    expect((await api(other.key, 'GET', `/v1/runs/${runId}/logs`)).status).toBe(404);
  });

  it('the fleet\'s JSON logs carry the run id, the org id and the run\'s trace id from the edge', () => {
    const lines = fleet.proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => l.runId === runId);
    expect(mine.length).toBeGreaterThan(0);
    const accepted = mine.find((l) => l.msg === 'task accepted');
    expect(String(accepted?.traceparent)).toMatch(new RegExp(`^00-${traceIdOf(runId)}-[0-9a-f]{16}-01$`));
    const finished = mine.find((l) => String(l.msg).startsWith('task failed'));
    expect(finished).toMatchObject({ level: 'info', orgId: org.orgId, traceId: traceIdOf(runId) });
    expect(finished?.taskId).toBe(listed[0]?.taskId);
  });

  it('/metrics parses as Prometheus text and its counters moved with the task', async () => {
    const after = await metricsOf(fleet.url);
    // The node's own log says what it ran: this run's task, and any task an earlier file left in the queue that
    // reached this node (the stack is shared). The counters must move by exactly what the log shows.
    const lines = fleet.proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const ran = lines.filter((l) => /^task (succeeded|failed); result/.test(String(l.msg)));
    const timedOut = ran.filter((l) => String(l.msg).startsWith('task failed') && l.code === 'SELECTOR_TIMEOUT');
    const context = JSON.stringify(ran.map((l) => [l.runId, l.msg, l.code]));
    expect(ran.filter((l) => l.runId === runId), context).toHaveLength(1);
    const failed = { outcome: 'failed', code: 'SELECTOR_TIMEOUT' };
    expect(sampleValue(after.samples, 'trawl_fleet_tasks_total', failed) - sampleValue(before.samples, 'trawl_fleet_tasks_total', failed), context).toBe(timedOut.length);
    expect(sampleValue(after.samples, 'trawl_fleet_task_duration_seconds_count') - sampleValue(before.samples, 'trawl_fleet_task_duration_seconds_count'), context).toBe(ran.length);
    const traceBytes = sampleValue(after.samples, 'trawl_fleet_artifact_bytes_total', { kind: 'trace' });
    if (ran.length === 1) expect(traceBytes).toBe(listed.find((a) => a.kind === 'trace')!.bytes);
    else expect(traceBytes).toBeGreaterThanOrEqual(listed.find((a) => a.kind === 'trace')!.bytes);
    expect(after.types.get('trawl_fleet_task_duration_seconds')).toBe('histogram');
    expect(sampleValue(after.samples, 'trawl_fleet_tasks_in_flight')).toBe(0);
    expect(sampleValue(after.samples, 'trawl_fleet_browsers_open')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after.samples, 'trawl_fleet_memory_bytes', { type: 'rss' })).toBeGreaterThan(0);
  });

  it('the built-in trace viewer opens the stored trace in Chromium at the failing action', async () => {
    const trace = listed.find((a) => a.kind === 'trace')!;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const res = await page.goto(trace.viewerUrl!);
      expect(res?.ok()).toBe(true);
      // The viewer selects the last action with an error: the wait, with its selector and error in the call panel.
      // The viewer selects the last action with an error: the wait for the missing selector.
      // The viewer selects the last action with an error: the wait, shown with its locator.
      const selected = page.locator('.tree-view-entry.selected');
      await expect.poll(async () => (await selected.allTextContents()).join(' '), { timeout: 30_000 }).toContain("locator('#never-there')");
      expect(await selected.first().getAttribute('class')).toContain('error');
      // The DOM snapshot of the page at that action, served out of the trace by the viewer's service worker.
      const productsInSnapshot = async () => {
        const counts = await Promise.all(page.frames().filter((f) => f.url().includes('snapshot')).map((f) => f.locator('#products li.product').count().catch(() => 0)));
        return Math.max(0, ...counts);
      };
      await expect.poll(productsInSnapshot, { timeout: 15_000 }).toBeGreaterThanOrEqual(20);
    } finally {
      await browser.close();
    }
  });
});
