import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { fixtureJobs } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg } from './client.ts';

/** Issue #10 through the product: step options validated by the edge (workerd's Intl), null values warned in a preview. */
describe('number and date step options end to end', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof fixtureJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Numbers'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    jobs = fixtureJobs(inject('fixtureUrl'), `e2e-${Date.now()}`);
  });
  afterAll(async () => { await fleet?.stop(); });

  it('accepts a locale, scale words and accounting negatives, and refuses a locale Intl does not know at its path', async () => {
    const process = [{ op: 'number', locale: 'de-CH', units: ['Mio.'], accounting: true, percent: 'fraction' }, { op: 'date', locale: 'ko-KR' }];
    const ok = await api(org.key, 'POST', '/v1/jobs/validate', { spec: { ...jobs.numbered.spec, fields: { ...jobs.numbered.spec.fields, price: { selector: '.price', process } } } });
    expect(ok.status, ok.text).toBe(200);
    const fields = (ok.body.spec as { fields: Record<string, { process: unknown[] }> }).fields;
    expect(fields.price!.process).toEqual([
      { op: 'number', decimal: 'auto', locale: 'de-CH', units: ['Mio.'], accounting: true, percent: 'fraction' },
      { op: 'date', formats: [], dateOnly: false, locale: 'ko-KR' },
    ]);
    const bad = await api(org.key, 'POST', '/v1/jobs/validate', { spec: { ...jobs.numbered.spec,
      fields: { ...jobs.numbered.spec.fields, price: { selector: '.price', process: [{ op: 'number', locale: 'zz' }] } } } });
    expect(bad.status).toBe(400);
    const body = bad.body as { error: { code: string; details: { issues: Array<{ path: string }> } } };
    expect(body.error.code).toBe('INVALID_SPEC');
    expect(body.error.details.issues.map((i) => i.path)).toEqual(['spec.fields.price.process.0.locale']);
  });

  it('previews "1,037" (cut from "$1,037.75") as null with a warning naming the field, and reads it with a locale', async () => {
    const dollars = (process: unknown[]) => ({ selector: '.price', process: [{ op: 'regex', pattern: '\\$([\\d,]+)\\.', group: 1 }, ...process] });
    const spec = { ...jobs.numbered.spec, fields: { ...jobs.numbered.spec.fields, dollars: dollars([{ op: 'number' }]), usd: dollars([{ op: 'number', locale: 'en-US' }]) } };
    const res = await api(org.key, 'POST', '/v1/preview', { spec, screenshot: false });
    expect(res.status, res.text).toBe(200);
    const p = res.body as { items: Array<Record<string, unknown>>; warnings: string[] };
    const page = jobs.numbered.expected.slice(0, 5);
    expect(p.items.map((it) => [it.dollars, it.usd])).toEqual(page.map((r) => [null, Math.floor(r.price as number)]));
    const example = page[0]!.price as number;
    expect(p.warnings).toEqual([
      'dollars empty in 5 of 5 items',
      `dollars: 5 values left null by number (reads two ways without a locale), e.g. "${Math.floor(example).toLocaleString('en-US')}"; set "locale" (or "decimal") on the step`,
    ]);
  });
});
