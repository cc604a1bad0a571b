import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FRAME_ROWS, fixtureJobs } from '../../fixtures/src/index.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

type Row = Record<string, unknown>;
const bySku = (rows: Row[]) => rows.toSorted((a, b) => String(a.sku).localeCompare(String(b.sku)));

/**
 * Issue #12 §4 and §6 through the whole product (wrangler dev's workerd validating the spec, the coordinator, a real
 * fleet node and Chromium): a consent wall and a search form in iframes, computed fields, a zoned date.
 */
describe('frames, computed fields and time zones end to end', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof fixtureJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Computed'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    jobs = fixtureJobs(inject('fixtureUrl'), `e2e-computed-${Date.now()}`);
  });
  afterAll(async () => { await fleet?.stop(); });

  async function runToEnd(name: string, spec: unknown) {
    const r = await runJobToEnd(org.key, name, spec);
    return { done: r.run, items: r.items, runId: r.runId };
  }

  it('the frame form yields the exact records; without a time zone the run warns DATE_WITHOUT_ZONE once for the field', async () => {
    const { timeZone: _zone, ...unzoned } = jobs.frameForm.spec;
    const [zoned, plain] = await Promise.all([runToEnd('Frame form', jobs.frameForm.spec), runToEnd('Frame form, no zone', unzoned)]);
    expect(zoned.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, items: FRAME_ROWS.length }, warnings: [] });
    expect(bySku(zoned.items)).toEqual(bySku(jobs.frameForm.expected));
    expect(plain.done).toMatchObject({ status: 'succeeded', warnings: [
      { code: 'DATE_WITHOUT_ZONE', field: 'listed', reason: 'date', count: FRAME_ROWS.length, example: FRAME_ROWS[0]!.listed[0] },
    ] });
    // The same wall time labelled UTC: the Berlin offset is not applied.
    expect(bySku(plain.items)[0]).toMatchObject({ sku: 'FRM-01', listed: '2026-11-30T14:05:00Z' });
  });

  it('a dismiss whose button is only inside an iframe it does not name: the run warns ACTION_IN_FRAME with the frame', async () => {
    const spec = { ...jobs.frameForm.spec, actions: [{ do: 'dismiss', selector: '#accept', timeoutMs: 300 }], allowEmpty: true, softFailures: false,
      wait: { forItems: false } };
    const r = await runToEnd('Dismiss outside the frame', spec);
    expect(r.items).toEqual([]);
    expect(r.done).toMatchObject({ status: 'succeeded', warnings: [{ code: 'ACTION_IN_FRAME', reason: 'actions.0', count: 1, example: '#wall' }] });
  });

  it('the edge (workerd, no eval) checks expressions and zones on save: 400 INVALID_SPEC at each path', async () => {
    const ok = await api(org.key, 'POST', '/v1/jobs/validate', { spec: jobs.frameForm.spec });
    expect(ok.status, ok.text).toBe(200);
    const fields = { ...jobs.frameForm.spec.fields, total: { compute: 'price * qty +' }, hours: { compute: 'runtime.matches("(a+)+$")' },
      late: { compute: 'nope * 2' } };
    const bad = await api(org.key, 'POST', '/v1/jobs', { name: 'Bad', spec: { ...jobs.frameForm.spec, fields, timeZone: 'Mars/Olympus' } });
    expect(bad.status).toBe(400);
    const body = bad.body as { error: { code: string; details: { issues: Array<{ path: string; message: string }> } } };
    expect(body.error.code).toBe('INVALID_SPEC');
    expect(body.error.details.issues.map((i) => i.path).toSorted()).toEqual(['spec.fields.hours.compute', 'spec.fields.late.compute', 'spec.fields.total.compute', 'spec.timeZone']);
    expect(body.error.details.issues.find((i) => i.path === 'spec.fields.late.compute')?.message).toBe('the expression "nope" is not a field');
  });

  it('with an expression that walks lists the page is post-processed in the budgeted worker: same records, same zone', async () => {
    const spec = { ...jobs.frameForm.spec, fields: { ...jobs.frameForm.spec.fields, first: { compute: '[sku].exists(x, x == "FRM-01")' } } };
    const r = await runToEnd('Frame form, worker', spec);
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, pagesFailed: 0, items: FRAME_ROWS.length } });
    expect(bySku(r.items)).toEqual(bySku(jobs.frameForm.expected.map((e) => ({ ...e, first: e.sku === 'FRM-01' }))));
  });

  it('a click on an element the wall iframe covers fails with ACTION_BLOCKED naming the step and the frame, not a bare timeout', async () => {
    const spec = { ...jobs.frameForm.spec, retry: { maxAttempts: 1 },
      actions: [{ do: 'dismiss', selector: '#accept', timeoutMs: 300 }, { do: 'click', selector: 'h1', timeoutMs: 1500 }] };
    const r = await runToEnd('Covered click', spec);
    expect(r.items).toEqual([]);
    expect(r.done).toMatchObject({ status: 'failed', error: { code: 'ACTION_BLOCKED' }, counts: { pagesSucceeded: 0, pagesFailed: 1 } });
    const failed = (await followEvents(org.key, r.runId)).filter((e) => e.type === 'task.failed');
    expect(failed.map((e) => (e.data as { error: { code: string; message: string } }).error)).toMatchObject([{ code: 'ACTION_BLOCKED',
      message: 'rule 2 (click) could not act: its element is covered by <iframe#wall>; if the step\'s element is inside that iframe, give the step "frame": "iframe#wall"' }]);
  });

  it('a step without frame does not reach into an iframe: the form inside one is a SELECTOR_TIMEOUT', async () => {
    const spec = { ...jobs.frameForm.spec, retry: { maxAttempts: 1 },
      actions: [{ do: 'dismiss', frame: '#wall', selector: '#accept', timeoutMs: 5000 }, { do: 'fill', selector: 'input[name=q]', value: 'frames', timeoutMs: 1000 }] };
    const r = await runToEnd('Fill outside the frame', spec);
    expect(r.done).toMatchObject({ status: 'failed', error: { code: 'SELECTOR_TIMEOUT' }, counts: { pagesFailed: 1, items: 0 } });
  });
});
