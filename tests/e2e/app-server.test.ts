import { beforeAll, describe, expect, it } from 'vitest';
import { api, newOrg } from './client.ts';

/** The API parts the web app needed (issue #11): server-side job search, editable limits, the policy dry run. */
type JobPage = { data: { id: string; name: string }[]; nextCursor: string | null };
const job = (name: string, url: string) => ({ name, spec: { startUrls: [url], itemSelector: 'li', fields: { a: {} } } });

async function keyOf(owner: string, role: 'admin' | 'editor' | 'viewer'): Promise<string> {
  const res = await api(owner, 'POST', '/v1/keys', { kind: 'secret', name: role, role, scopes: ['*'] });
  expect(res.status, res.text).toBe(201);
  return String(res.body.key);
}

async function createJob(key: string, name: string, url: string): Promise<string> {
  const res = await api(key, 'POST', '/v1/jobs', job(name, url));
  expect(res.status, res.text).toBe(201);
  return String(res.body.id);
}

/** Every id a search gives, page by page (`limit` per page), with the size of each page. */
async function allPages(key: string, query: string, limit: number): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: Awaited<ReturnType<typeof api<JobPage>>> = await api<JobPage>(key, 'GET', `/v1/jobs?limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status, page.text).toBe(200);
    ids.push(...page.body.data.map((j) => j.id));
    sizes.push(page.body.data.length);
    cursor = page.body.nextCursor;
  }
  return { ids, sizes };
}

describe('job search on the server (GET /v1/jobs?q=&status=)', () => {
  let key: string;
  const ids: Record<string, string> = {};
  const paged: Array<{ id: string; odd: boolean }> = [];
  beforeAll(async () => {
    key = (await newOrg('Search')).key;
    ids.alpha = await createJob(key, 'Alpha shoes', 'https://alpha.example.test/list');
    ids.beta = await createJob(key, 'Beta hats', 'https://shop.example.test/hats');
    ids.gamma = await createJob(key, 'Gamma a%_off', 'https://gamma.example.test/');
    for (let i = 0; i < 7; i++) paged.push({ id: await createJob(key, `Paged ${i}`, `https://p-${i % 2 ? 'odd' : 'even'}.example.test/${i}`), odd: i % 2 === 1 });
  });

  it('finds jobs by name (any case), by start URL and by exact id; % and _ are matched as typed', async () => {
    const names = async (q: string) => (await api<JobPage>(key, 'GET', `/v1/jobs?q=${encodeURIComponent(q)}`)).body.data.map((j) => j.name);
    expect(await names('ALPHA')).toEqual(['Alpha shoes']);
    expect(await names('shop.example.test/hats')).toEqual(['Beta hats']);
    expect(await names(ids.beta!)).toEqual(['Beta hats']);
    // As LIKE wildcards, "a%_o" would also match "Alpha shoes".
    expect(await names('a%_o')).toEqual(['Gamma a%_off']);
    expect(await names('nothing like this')).toEqual([]);
  });

  it('pages a filtered list with the cursor: full pages, no gap, no repeat', async () => {
    const odd = paged.filter((p) => p.odd).map((p) => p.id).toReversed();
    expect(await allPages(key, 'q=p-odd', 2)).toEqual({ ids: odd, sizes: [2, 1] });
    const all = paged.map((p) => p.id).toReversed();
    expect(await allPages(key, 'q=paged', 3)).toEqual({ ids: all, sizes: [3, 3, 1] });
  });

  it('filters by the status of the last run: a job whose older run was cancelled is not "cancelled" once a newer run exists', async () => {
    const run = async (jobId: string) => {
      const res = await api(key, 'POST', `/v1/jobs/${jobId}/runs`);
      expect(res.status, res.text).toBe(201);
      return String(res.body.id);
    };
    const cancel = async (runId: string) => api(key, 'POST', `/v1/runs/${runId}/cancel`);
    expect((await cancel(await run(ids.alpha!))).status).toBe(200);
    expect((await cancel(await run(ids.beta!))).status).toBe(200);
    const newer = await run(ids.beta!);
    const cancelled = await allPages(key, 'status=cancelled', 50);
    expect(cancelled.ids).toEqual([ids.alpha]);
    // Beta's newer run is whatever it is by now (queued, or failed with no fleet for this organization): Beta is found under that status.
    const now = String((await api(key, 'GET', `/v1/runs/${newer}`)).body.status);
    expect(now).not.toBe('cancelled');
    expect((await allPages(key, `status=${now}`, 50)).ids).toEqual([ids.beta]);
    await cancel(newer);
    const never = await allPages(key, 'status=never', 3);
    expect(never).toEqual({ ids: [...paged.map((p) => p.id).toReversed(), ids.gamma], sizes: [3, 3, 2] });
    expect((await allPages(key, 'status=never&q=gamma', 50)).ids).toEqual([ids.gamma]);
  });

  it('refuses a bad filter with 400 INVALID_REQUEST, a message and a hint', async () => {
    for (const query of ['status=done', `q=${'x'.repeat(201)}`]) {
      const res = await api<{ error: { code: string; message: string; hint: string } }>(key, 'GET', `/v1/jobs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
      expect(res.body.error.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('organization limits (PUT /v1/policy/limits)', () => {
  let owner: string;
  let other: string;
  beforeAll(async () => { [owner, other] = await Promise.all([newOrg('Limits').then((o) => o.key), newOrg('Limits other').then((o) => o.key)]); });

  it('lets an Admin set the limits, keeps the domain lists, shows them to a Viewer and writes an audit row', async () => {
    const [admin, viewer, editor] = [await keyOf(owner, 'admin'), await keyOf(owner, 'viewer'), await keyOf(owner, 'editor')];
    expect((await api(owner, 'PUT', '/v1/policy', { allowDomains: ['shop.example.test'], denyDomains: [] })).status).toBe(200);
    const limits = { siteMaxConcurrent: 2, siteMinDelayMs: 1500, maxTasksInFlight: 7, maxConcurrentRuns: 3 };
    const res = await api(admin, 'PUT', '/v1/policy/limits', limits);
    expect(res.status, res.text).toBe(200);
    // The test stack runs with SITE_MAX_CONCURRENT 4 (default) and SITE_MIN_DELAY_MS 50 (tests/e2e/global-setup.ts).
    const expected = { allowDomains: ['shop.example.test'], denyDomains: [], limits, effective: { siteMaxConcurrent: 2, siteMinDelayMs: 1500, orgMaxTasksInFlight: 7, maxConcurrentRuns: 3 } };
    expect(res.body).toEqual(expected);
    const seen = await api(viewer, 'GET', '/v1/policy');
    expect([seen.status, seen.body]).toEqual([200, expected]);
    for (const k of [viewer, editor]) {
      const refused = await api<{ error: { code: string } }>(k, 'PUT', '/v1/policy/limits', { ...limits, maxConcurrentRuns: 9 });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    // Past the operator's site limit: the override stays as set, the effective value is the operator's.
    const wide = await api(owner, 'PUT', '/v1/policy/limits', { siteMaxConcurrent: 50, siteMinDelayMs: null, maxTasksInFlight: null, maxConcurrentRuns: null });
    expect(wide.body.effective).toMatchObject({ siteMaxConcurrent: 4, siteMinDelayMs: 50 });
    const audit = await api<{ data: { action: string; details: Record<string, unknown> }[] }>(owner, 'GET', '/v1/audit?limit=10');
    expect(audit.body.data.filter((a) => a.action === 'policy.limits.update').map((a) => a.details.after)).toEqual([
      { siteMaxConcurrent: 50, siteMinDelayMs: null, maxTasksInFlight: null, maxConcurrentRuns: null }, limits,
    ]);
    expect((await api(other, 'GET', '/v1/policy')).body.limits).toEqual({ siteMaxConcurrent: null, siteMinDelayMs: null, maxTasksInFlight: null, maxConcurrentRuns: null });
  });

  it('refuses out-of-range, fractional and unknown limits with 400 INVALID_REQUEST naming the key', async () => {
    const cases: Array<[unknown, string]> = [
      [{ siteMaxConcurrent: 0 }, 'siteMaxConcurrent'], [{ siteMinDelayMs: 600_001 }, 'siteMinDelayMs'],
      [{ maxTasksInFlight: 1.5 }, 'maxTasksInFlight'], [{ retention: 3 }, '(root)'],
    ];
    for (const [body, path] of cases) {
      const res = await api<{ error: { code: string; hint: string; details: { issues: { path: string }[] } } }>(owner, 'PUT', '/v1/policy/limits', body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, 'INVALID_REQUEST']);
      expect(res.body.error.details.issues.map((i) => i.path)).toEqual([path]);
      expect(res.body.error.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('policy dry run (POST /v1/policy/dry-run)', () => {
  let owner: string;
  beforeAll(async () => { owner = (await newOrg('Dry run')).key; });
  type Verdicts = { policy: string; results: Array<{ url: string; allowed: boolean; code: string | null; rule: string | null; entry: string | null; reason: string | null }> };

  it('answers per URL with the rule and reason, against the saved policy, the way a save decides', async () => {
    expect((await api(owner, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: ['*.bad.example.test'] })).status).toBe(200);
    const urls = ['https://ok.example.test/a', 'https://x.bad.example.test/p', 'no url at all'];
    const res = await api<Verdicts>(await keyOf(owner, 'viewer'), 'POST', '/v1/policy/dry-run', { urls });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ policy: 'saved', results: [
      { url: urls[0], allowed: true, code: null, rule: null, entry: null, reason: null },
      { url: urls[1], allowed: false, code: 'BLOCKED_BY_POLICY', rule: 'deny', entry: '*.bad.example.test', reason: 'host x.bad.example.test matches the deny-list entry *.bad.example.test' },
      { url: urls[2], allowed: false, code: 'UNREACHABLE_TARGET', rule: 'network', entry: null, reason: 'no url at all: not a valid URL' },
    ] });
    // A save of the same URLs refuses exactly the ones the dry run refused, with the same codes.
    expect((await api(owner, 'POST', '/v1/jobs', job('ok', urls[0]!))).status).toBe(201);
    expect((await api<{ error: { code: string } }>(owner, 'POST', '/v1/jobs', job('bad', urls[1]!))).body.error.code).toBe('BLOCKED_BY_POLICY');
    // (Text that is not a URL never gets that far in a job: the spec's own schema refuses it first, 400 INVALID_SPEC.)
  });

  it('uses the policy being edited when one is sent, without saving it', async () => {
    const res = await api<Verdicts>(owner, 'POST', '/v1/policy/dry-run', { policy: { allowDomains: ['*.shop.example.test'], denyDomains: [] }, urls: ['https://a.shop.example.test/', 'https://ok.example.test/'] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.policy).toBe('request');
    expect(res.body.results.map((r) => [r.allowed, r.rule])).toEqual([[true, null], [false, 'allow']]);
    expect((await api(owner, 'GET', '/v1/policy')).body.allowDomains).toEqual([]);
  });

  it('refuses a bad request with 400 INVALID_REQUEST', async () => {
    const cases: Array<[unknown, string]> = [
      [{ urls: [] }, 'urls'], [{ urls: ['https://a.test/'], policy: { allowDomains: ['not a pattern!'] } }, 'policy.allowDomains.0'],
      [{ urls: Array.from({ length: 101 }, (_, i) => `https://a.test/${i}`) }, 'urls'], [{ urls: ['https://a.test/'], extra: 1 }, '(root)'],
    ];
    for (const [body, path] of cases) {
      const res = await api<{ error: { code: string; details: { issues: { path: string }[] } } }>(owner, 'POST', '/v1/policy/dry-run', body);
      expect([res.status, res.body.error.code], JSON.stringify(body).slice(0, 80)).toEqual([400, 'INVALID_REQUEST']);
      expect(res.body.error.details.issues.map((i) => i.path)).toEqual([path]);
    }
  });
});
