import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Template } from '@trawl/schemas';
import { DATA } from '../../fixtures/src/data.ts';
import { fixtureStorageState } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg, waitForRun } from './client.ts';

type Org = Awaited<ReturnType<typeof newOrg>>;
type Row = Record<string, unknown>;
const pick = (rows: Row[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

/** The built-in gallery: every template is a spec the API accepts, and the tabs and login ones run on the fixture site. */
describe('built-in templates and their examples', () => {
  let org: Org;
  let fleet: FleetNode;
  let gallery: Template[];
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Template examples'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    const list = await api<{ data: Template[] }>(org.key, 'GET', '/v1/templates?limit=100');
    gallery = list.body.data.filter((t) => t.builtIn);
  });
  afterAll(async () => { await fleet?.stop(); });

  /** Runs a template's spec with the fixture's start URL (and anything else the person would set). */
  async function runTemplate(id: string, change: Row): Promise<{ status: string; error: Row | null; rows: Row[] }> {
    const tpl = gallery.find((t) => t.id === id)!;
    const job = await api(org.key, 'POST', '/v1/jobs', { name: `From ${id}`, spec: { ...tpl.spec, ...change } });
    expect(job.status, job.text).toBe(201);
    const started = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const done = await waitForRun(org.key, String(started.body.id));
    const results = await api(org.key, 'GET', `/v1/runs/${String(started.body.id)}/results?format=jsonl`);
    const rows = results.text.trim() ? results.text.trim().split('\n').map((l) => JSON.parse(l) as Row) : [];
    return { status: String(done.status), error: (done.error as Row | null) ?? null, rows };
  }

  it('lists the seven patterns the issue names, each accepted by POST /v1/jobs/validate as it ships', async () => {
    expect(gallery.map((t) => t.id)).toEqual(['listing-next-link', 'infinite-scroll', 'load-more', 'detail-pages', 'url-template', 'tabs', 'login']);
    for (const tpl of gallery) {
      const res = await api(org.key, 'POST', '/v1/jobs/validate', { spec: tpl.spec });
      expect(res.status, `${tpl.id}: ${res.text}`).toBe(200);
    }
  });

  it('tabs: clicks every tab of the fixture and keeps each tab\'s name with its items', async () => {
    const run = await runTemplate('tabs', { startUrls: [`${inject('fixtureUrl')}/tabs`] });
    expect(run.status).toBe('succeeded');
    const expected = Object.entries(DATA.tabs).flatMap(([category, rs]) => rs.map((r) => ({ name: r.name, price: r.price, category })));
    const byName = (a: Row, b: Row) => String(a.name).localeCompare(String(b.name));
    expect(pick(run.rows, ['name', 'price', 'category']).sort(byName)).toEqual(expected.sort(byName));
  });

  it('login: without a stored login the sign-in page fails as LOGIN_REQUIRED; with one, the private listing comes back', async () => {
    const base = inject('fixtureUrl');
    const bare = await runTemplate('login', { startUrls: [`${base}/account/orders`] });
    expect(bare.status).toBe('failed');
    expect(bare.error?.code).toBe('LOGIN_REQUIRED');
    expect(bare.rows).toEqual([]);
    const login = await api(org.key, 'POST', '/v1/logins', { name: 'fixture session', storageState: fixtureStorageState(base) });
    expect(login.status, login.text).toBe(201);
    const signedIn = await runTemplate('login', { startUrls: [`${base}/account/orders`], login: { id: String(login.body.id) } });
    expect(signedIn.status).toBe('succeeded');
    expect(pick(signedIn.rows, ['name', 'price'])).toEqual(DATA.login.map((r) => ({ name: r.name, price: r.price })));
  });
});
