import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactsSpec, Task } from '@trawl/schemas';
import { ArtifactRecorder, type RecordedFile } from '../src/artifacts/recorder.ts';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { startTestSite, type TestSite } from './test-server.ts';
import { makeTask } from './fixtures.ts';
import { harOf, pngSize, traceEvents, zipEntries } from './artifact-files.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: TestSite;

beforeAll(async () => {
  [pool, site] = await Promise.all([
    startTestPool(),
    startTestSite(),
  ]);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

async function record(task: Task): Promise<{ outcome: string; step: string | undefined; files: RecordedFile[] }> {
  const recorder = await ArtifactRecorder.create(task.spec.artifacts);
  const result = await runTask(task, pool, { nodeId: 'nod_test', ...(recorder ? { observer: recorder } : {}) });
  const files = await recorder?.collect(result.outcome === 'failed') ?? [];
  return { outcome: result.outcome, step: result.error?.step, files };
}

const specWith = (artifacts: Partial<ArtifactsSpec>, extra: Record<string, unknown> = {}) => ({ artifacts, ...extra });
const names = (files: RecordedFile[]) => files.map((f) => f.name).sort();

describe('artifact recording', () => {
  it('a failing task leaves a trace that opens at the failing action, a HAR with the page, and PNGs per step', async () => {
    const task = makeTask(`${site.url}/listing`, {}, specWith({ trace: 'always', har: 'always', screenshots: 'each-step' }, { wait: { selector: '#never', timeoutMs: 600 } }));
    const { outcome, step, files } = await record(task);
    expect(outcome).toBe('failed');
    expect(step).toBe('wait');
    expect(names(files)).toEqual(['network.har.gz', 'step-1-navigate.png', 'step-2-wait.png', 'trace.zip']);

    const zip = zipEntries(files.find((f) => f.name === 'trace.zip')!.bytes);
    expect(Object.keys(zip)).toEqual(expect.arrayContaining(['trace.trace', 'trace.network']));
    const events = traceEvents(zip);
    // The step groups, and the failing wait with its selector and error: what the viewer selects first.
    const titles = events.filter((e) => e.type === 'before').map((e) => String(e.title ?? e.method));
    expect(titles).toEqual(expect.arrayContaining(['navigate', 'wait']));
    const waitCall = events.find((e) => e.type === 'before' && e.method === 'waitForSelector');
    expect((waitCall?.params as { selector?: string })?.selector).toBe('#never');
    const after = events.find((e) => e.type === 'after' && e.callId === waitCall?.callId);
    expect(after?.error).toBeTruthy();
    expect(events.some((e) => e.type === 'frame-snapshot')).toBe(true);

    const har = harOf(files.find((f) => f.name === 'network.har.gz')!.bytes, true);
    expect(har.log.entries.map((e) => e.request.url)).toContain(`${site.url}/listing`);
    expect(har.log.entries.find((e) => e.request.url === `${site.url}/listing`)?.response.status).toBe(200);

    for (const f of files.filter((x) => x.kind === 'screenshot')) {
      const { width, height } = pngSize(f.bytes);
      expect(width).toBeGreaterThan(100);
      expect(height).toBeGreaterThan(100);
    }
  });

  it('keeps nothing for a successful task when everything is on-failure', async () => {
    const { outcome, files } = await record(makeTask(`${site.url}/listing`, {}, specWith({ trace: 'on-failure', har: 'on-failure', screenshots: 'on-failure' })));
    expect(outcome).toBe('succeeded');
    expect(files).toEqual([]);
  });

  it('keeps the trace and the final screenshot of a failed page when the task still carries on-retry (the coordinator resolves it per attempt)', async () => {
    const { outcome, files } = await record(makeTask(`${site.url}/status/404`));
    expect(outcome).toBe('failed');
    expect(names(files)).toEqual(['step-1-navigate.png', 'trace.zip']);
  });

  it('keeps a final screenshot and the HAR of a successful task when asked', async () => {
    const { outcome, files } = await record(makeTask(`${site.url}/listing`, {}, specWith({ trace: 'off', har: 'always', screenshots: 'final' })));
    expect(outcome).toBe('succeeded');
    expect(names(files)).toEqual(['network.har.gz', 'step-1-extract.png']);
  });

  it('records nothing at all when everything is off', async () => {
    expect(await ArtifactRecorder.create({ trace: 'off', har: 'off', screenshots: 'off' })).toBeNull();
  });
});
