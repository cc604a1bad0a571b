import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnSite, type OwnSite } from './own-site.ts';
import { CHANGE_VERSIONS, changeJobSpec, changePage, type ChangeVersion } from '../../fixtures/src/change-pages.ts';
import { api, newOrg, waitForRun } from './client.ts';
import { parseCsv } from './csv.ts';

const key = (sku: string) => JSON.stringify(sku);
const FIELDS = ['sku', 'name', 'price'];
const v1 = CHANGE_VERSIONS.v1.flat();
const v2 = CHANGE_VERSIONS.v2.flat();
const find = (items: typeof v1, sku: string) => items.find((i) => i.sku === sku)!;
const codeOf = (a: { body: Record<string, unknown> }) => (a.body.error as { code?: string } | undefined)?.code;

/** Issue #14: a job's change feed over runs of a catalog the test switches, and the drift guard on a layout change. */
describe('change feed and drift guard', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let own: OwnSite | undefined;
  let site = '';
  let version: ChangeVersion = 'v1';
  let jobId = '';
  const runs: Record<string, string> = {};
  const keys: Record<'editor' | 'viewer', string> = { editor: '', viewer: '' };

  beforeAll(async () => {
    own = await startOwnSite('Changes', (req, res) => {
      const n = Number(/^\/c\/(\d)$/.exec(req.url ?? '')?.[1] ?? 0);
      // Anything else (robots.txt) is 404; a listing page the version has not is 500 (a 5xx robots.txt disallows all).
      const page = n ? changePage(version, n) : null;
      res.writeHead(page ? 200 : n ? 500 : 404, { 'content-type': 'text/html' });
      res.end(page ?? 'down');
    });
    ({ url: site, org } = own);
    for (const role of ['editor', 'viewer'] as const) {
      const k = await api(org.key, 'POST', '/v1/keys', { kind: 'secret', name: role, role, scopes: ['*'] });
      expect(k.status, k.text).toBe(201);
      keys[role] = String(k.body.key);
    }
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'catalog', spec: changeJobSpec(site) });
    expect(job.status, job.text).toBe(201);
    jobId = String(job.body.id);
  });
  afterAll(async () => {
    await own?.close();
  });

  /** Runs the job over `v`, waits until its row (with the change summary) is written, and reads its feed. */
  async function runOver(v: ChangeVersion) {
    version = v;
    const started = await api(org.key, 'POST', `/v1/jobs/${jobId}/runs`);
    expect(started.status, started.text).toBe(201);
    const id = String(started.body.id);
    await waitForRun(org.key, id, 60_000);
    let feed = await api(org.key, 'GET', `/v1/runs/${id}/changes`);
    for (let i = 0; feed.status === 409 && codeOf(feed) === 'RUN_NOT_FINISHED' && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 200));
      feed = await api(org.key, 'GET', `/v1/runs/${id}/changes`);
    }
    expect(feed.status, feed.text).toBe(200);
    const run = (await api(org.key, 'GET', `/v1/runs/${id}`)).body;
    return { id, run, lines: feed.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('first run: every item added; second: the known change, addition and removal, whitespace, seenAt and stock ignored; third: nothing', async () => {
    const first = await runOver('v1');
    runs.first = first.id;
    expect(first.run).toMatchObject({ status: 'succeeded', counts: { items: v1.length } });
    expect(first.run.changes).toEqual({ added: v1.length, changed: 0, removed: 0 });
    expect(first.lines.map((l) => [l.change, l.key])).toEqual(v1.map((i) => ['added', key(i.sku)]));

    const second = await runOver('v2');
    runs.second = second.id;
    const [b1, b2, c1, n2] = [find(v1, 'B'), find(v2, 'B'), find(v1, 'C'), find(v2, 'N')];
    expect(second.lines).toEqual([
      { change: 'changed', key: key('B'), fields: ['price'], before: { price: b1.price }, after: { price: b2.price } },
      { change: 'added', key: key('N'), fields: FIELDS, before: null, after: n2 },
      { change: 'removed', key: key('C'), fields: FIELDS, before: c1, after: null },
    ]);
    expect(second.run.changes).toEqual({ added: 1, changed: 1, removed: 1, baselineRunId: first.id });

    const json = await api<Array<Record<string, unknown>>>(org.key, 'GET', `/v1/runs/${second.id}/changes?format=json`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(json.body).toEqual(second.lines);
    const csv = await api(org.key, 'GET', `/v1/runs/${second.id}/changes?format=csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(parseCsv(csv.text)).toEqual([['change', 'key', 'before', 'after', 'fields'],
      ['changed', key('B'), JSON.stringify({ price: b1.price }), JSON.stringify({ price: b2.price }), '["price"]'],
      ['added', key('N'), '', JSON.stringify(n2), JSON.stringify(FIELDS)],
      ['removed', key('C'), JSON.stringify(c1), '', JSON.stringify(FIELDS)]]);

    // The same page again: the removal of C is not reported a second time, nor anything else.
    const third = await runOver('v2');
    runs.third = third.id;
    expect(third.lines).toEqual([]);
    expect(third.run.changes).toEqual({ added: 0, changed: 0, removed: 0, baselineRunId: second.id });
  });

  it('a run whose second page failed reports removals only from the page it fetched fine, and says so', async () => {
    const fourth = await runOver('v3');
    expect(fourth.run).toMatchObject({ status: 'partial', counts: { pagesFailed: 1 } });
    expect(fourth.lines).toEqual([{ change: 'removed', key: key('A'), fields: FIELDS, before: { ...find(v2, 'A') }, after: null }]);
    const onPage2 = CHANGE_VERSIONS.v2[1]!.length;
    expect(fourth.run.changes).toEqual({ added: 0, changed: 0, removed: 1, baselineRunId: runs.third,
      removalsWithheld: `1 page(s) failed: ${onPage2} item(s) of pages not fetched this run are not reported removed` });
  });

  it('a layout change marks the run suspect (field, selector, what broke) until it is accepted; a fixed spec is not suspect', async () => {
    const fifth = await runOver('v2-relayout');
    runs.fifth = fifth.id;
    expect(fifth.run.suspect).toMatchObject({ acceptedAt: null, acceptedBy: null,
      findings: [{ field: 'price', selector: '.price', check: 'fillRate', before: '100%', now: '0%' }] });
    expect((fifth.run.suspect as { findings: unknown[] }).findings).toHaveLength(1);
    // Compared with the last good run (the third: the fourth had a failed page): every price is gone.
    expect(fifth.lines).toEqual(v2.map((i) => ({ change: 'changed', key: key(i.sku), fields: ['price'], before: { price: i.price }, after: { price: null } })));

    const fixed = await api(org.key, 'PATCH', `/v1/jobs/${jobId}`, { spec: { ...changeJobSpec(site), fields: { ...changeJobSpec(site).fields, price: { selector: '.cost', process: [{ op: 'number' }] } } } });
    expect(fixed.status, fixed.text).toBe(200);
    const sixth = await runOver('v2-relayout');
    expect(sixth.run.suspect).toBeNull();
    // Against the third run (the suspect fifth is no baseline until accepted): the fixed selector reads the same prices.
    expect(sixth.run.changes).toEqual({ added: 0, changed: 0, removed: 0, baselineRunId: runs.third });

    expect((await api(keys.viewer, 'POST', `/v1/runs/${fifth.id}/accept`)).status).toBe(403);
    const notSuspect = await api(keys.editor, 'POST', `/v1/runs/${runs.third}/accept`);
    expect([notSuspect.status, codeOf(notSuspect)]).toEqual([409, 'RUN_NOT_SUSPECT']);
    const accepted = await api(keys.editor, 'POST', `/v1/runs/${fifth.id}/accept`);
    expect(accepted.status, accepted.text).toBe(200);
    const audit = await api(org.key, 'GET', '/v1/audit?limit=50');
    const row = (audit.body.data as Array<Record<string, unknown>>).find((e) => e.action === 'run.accept');
    expect(row).toMatchObject({ target: fifth.id, details: { findings: ['price:fillRate'] } });
    expect(accepted.body.suspect).toMatchObject({ acceptedBy: row!.actor });
    expect(typeof (accepted.body.suspect as { acceptedAt: unknown }).acceptedAt).toBe('number');
    const again = await api(keys.editor, 'POST', `/v1/runs/${fifth.id}/accept`);
    expect([again.status, codeOf(again)]).toEqual([409, 'RUN_NOT_SUSPECT']);
  });

  it('an item\'s history across runs, oldest first; another organization sees none of it', async () => {
    const history = await api(org.key, 'GET', `/v1/jobs/${jobId}/items/${encodeURIComponent(key('B'))}/history`);
    expect(history.status, history.text).toBe(200);
    const [b1, b2] = [find(v1, 'B'), find(v2, 'B')];
    expect((history.body.data as Array<Record<string, unknown>>).map(({ createdAt: _c, ...h }) => h)).toEqual([
      { runId: runs.first, change: 'added', fields: FIELDS, before: null, after: b1 },
      { runId: runs.second, change: 'changed', fields: ['price'], before: { price: b1.price }, after: { price: b2.price } },
      { runId: runs.fifth, change: 'changed', fields: ['price'], before: { price: b2.price }, after: { price: null } },
    ]);
    const c = await api(org.key, 'GET', `/v1/jobs/${jobId}/items/${encodeURIComponent(key('C'))}/history`);
    expect((c.body.data as Array<Record<string, unknown>>).map((h) => [h.runId, h.change])).toEqual([[runs.first, 'added'], [runs.second, 'removed']]);
    const other = await newOrg('Changes other');
    expect((await api(other.key, 'GET', `/v1/jobs/${jobId}/items/${encodeURIComponent(key('B'))}/history`)).status).toBe(404);
    expect((await api(other.key, 'GET', `/v1/runs/${runs.second}/changes`)).status).toBe(404);
  });
});
