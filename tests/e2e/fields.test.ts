import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DRAWN_PRICES } from '../../fixtures/src/field-data.ts';
import { fieldJobs } from '../../fixtures/src/field-jobs.ts';
import { fixtureJobs } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

type Row = Record<string, unknown>;

/** Fields from several tabs, repeated items and fields by label through the whole product (issue #10 §4-5, ADR 0033). */
describe('fields across tabs, duplicates and labels end to end', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof fieldJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Fields'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 4 })]);
    jobs = fieldJobs(inject('fixtureUrl'));
  });
  afterAll(async () => { await fleet?.stop(); });

  async function runToEnd(name: string, spec: unknown) {
    const r = await runJobToEnd(org.key, name, spec);
    return { done: r.run, items: r.items };
  }

  /** A preview, asked again while the new node is not yet listed with room (503 FLEET_UNAVAILABLE, retry-after 2 s). */
  async function preview(body: Row) {
    for (let i = 0; ; i++) {
      const res = await api(org.key, 'POST', '/v1/preview', body);
      if (res.status !== 503 || i >= 15) return res;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  it('panels in merge mode: a product whose three tabs render on click and empty each other is one record with every field', async () => {
    const r = await runToEnd('Product tabs', jobs.productTabs.spec);
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, items: 1 } });
    expect(r.items).toEqual(jobs.productTabs.expected);
  });

  it('panels in the default mode take each tab apart: the one record kept has only the first tab\'s fields', async () => {
    const r = await runToEnd('Product tabs, default mode', { ...jobs.productTabs.spec, panels: { selector: 'role=tab', waitFor: '#panel > *' },
      fields: { ...jobs.productTabs.spec.fields, question: { selector: '#panel .q' } } });
    // dedupeKey sku keeps the first reading (the Specs tab): its reviews and Q&A are lost, which merge mode fixes.
    expect(r.items).toEqual([{ ...jobs.productTabs.expected[0], rating: null, reviews: null, question: null, answer: null }]);
  });

  it('dedupeKeep: a repeated key keeps the first record, the last one, or the first filled from the repeat', async () => {
    const [first, last, merge] = await Promise.all([
      runToEnd('Keep first', jobs.dedupeFirst.spec), runToEnd('Keep last', jobs.dedupeLast.spec), runToEnd('Keep merge', jobs.dedupeMerge.spec),
    ]);
    for (const [r, job] of [[first, jobs.dedupeFirst], [last, jobs.dedupeLast], [merge, jobs.dedupeMerge]] as const) {
      expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 2, items: 3 } });
      expect(r.items).toEqual(job.expected);
    }
  });

  it('label fields: rows in any order and markup, missing rows null, hidden rows and neighbours never taken', async () => {
    const r = await runToEnd('Labels', jobs.labels.spec);
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: 5 } });
    expect(r.items).toEqual(jobs.labels.expected);
  });

  it('the visible source: CSS-drawn prices read as a person sees them, hidden decoys left out', async () => {
    const r = await runToEnd('Drawn prices', jobs.drawnPrices.spec);
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: 6 } });
    expect(r.items).toEqual(jobs.drawnPrices.expected);
  });

  it('the preview warns when a text field\'s DOM text is not what a person sees, and not once the field reads visible', async () => {
    const spec = jobs.drawnPrices.spec;
    const asText = await preview({ spec: { ...spec, fields: { ...spec.fields, price: { selector: '.price' } } }, screenshot: false });
    expect(asText.status, asText.text).toBe(200);
    const differ = DRAWN_PRICES.filter((p) => p.domDiffers);
    const warnings = (asText.body as { warnings: string[] }).warnings.filter((w) => w.includes('a person sees'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^price: the text a person sees differs from the page's DOM text in ${differ.length} of ${DRAWN_PRICES.length} items`));
    expect(warnings[0]).toContain(`seen ${JSON.stringify(differ[0]!.shown)}`);
    const asSeen = await preview({ spec, screenshot: false });
    expect((asSeen.body as { warnings: string[] }).warnings).toEqual([]);
    // An ordinary listing (a whole-row text field included) reads the same both ways: no warning.
    const listing = fixtureJobs(inject('fixtureUrl')).numbered.spec;
    const plain = await preview({ spec: { ...listing, fields: { ...listing.fields, row: {} } }, screenshot: false });
    expect(plain.status, plain.text).toBe(200);
    expect((plain.body as { itemCount: number }).itemCount).toBe(5);
    expect((plain.body as { warnings: string[] }).warnings).toEqual([]);
  });

  it('a run warns VISIBLE_TEXT_DIFFERS once for a text field whose DOM text is not what is seen; an ordinary listing does not', async () => {
    const spec = jobs.drawnPrices.spec;
    const r = await runJobToEnd(org.key, 'Drawn prices as text', { ...spec, fields: { ...spec.fields, price: { selector: '.price', source: 'text' } } });
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, items: DRAWN_PRICES.length } });
    // The run samples each listing page's first 3 items: the first of them whose DOM text differs is the example.
    const first = DRAWN_PRICES.slice(0, 3).find((p) => p.domDiffers)!;
    expect(r.run.warnings).toEqual([{ code: 'VISIBLE_TEXT_DIFFERS', field: 'price', count: 1, example: expect.any(String), message: expect.any(String) }]);
    const w = r.run.warnings[0]!;
    expect(w.example).not.toBe(first.shown);
    expect(w.message).toContain(`seen ${JSON.stringify(first.shown)}`);
    expect(w.message).toContain('"source": "visible"');
    const plain = await runJobToEnd(org.key, 'Ordinary listing', fixtureJobs(inject('fixtureUrl')).numbered.spec);
    expect(plain.run).toMatchObject({ status: 'succeeded', warnings: [] });
  });

  it('bad combinations of the new options are 400 INVALID_SPEC at their path, with a hint', async () => {
    const cases: Array<[Row, string, string]> = [
      [{ ...jobs.dedupeFirst.spec, dedupeKey: undefined, dedupeKeep: 'merge' }, 'spec.dedupeKeep', 'needs a dedupeKey'],
      [{ ...jobs.dedupeFirst.spec, dedupeKeep: 'newest' }, 'spec.dedupeKeep', ''],
      [{ ...jobs.labels.spec, fields: { id: { labelMatch: 'contains' } } }, 'spec.fields.id.labelMatch', 'needs a label'],
      [{ ...jobs.labels.spec, fields: { id: { label: '(?<=€)\\d+', labelMatch: 'regex' } } }, 'spec.fields.id.label', 'lookbehind'],
      [{ ...jobs.labels.spec, fields: { id: { label: 'Salary', const: 1 } } }, 'spec.fields.id.label', 'cannot also be a const'],
      [{ ...jobs.labels.spec, fields: { id: { label: '  ' } } }, 'spec.fields.id.label', ''],
      [{ ...jobs.productTabs.spec, fields: { ...jobs.productTabs.spec.fields, tab: { context: 'panel' } } }, 'spec.fields.tab.context', 'no single panel label'],
      [{ ...jobs.productTabs.spec, panels: { selector: 'role=tab', mode: 'all' } }, 'spec.panels.mode', ''],
    ];
    for (const [spec, path, hint] of cases) {
      const res = await api(org.key, 'POST', '/v1/jobs/validate', { spec });
      expect(res.status, path).toBe(400);
      const body = res.body as { error: { code: string; details: { issues: Array<{ path: string; message: string }> } } };
      expect(body.error.code).toBe('INVALID_SPEC');
      expect(body.error.details.issues.map((i) => i.path), JSON.stringify(body.error.details.issues)).toEqual([path]);
      expect(body.error.details.issues[0]!.message).toContain(hint);
    }
  });
});
