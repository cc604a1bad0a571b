import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { fixtureJobs, fixtureLoginFlow, fixtureStorageState } from '../../fixtures/src/jobs.ts';
import { LOGIN } from '../../fixtures/src/data.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';

/** Stored logins through the whole product: encrypted in D1, fetched by the node with its lease, refreshed after a login. */
describe('stored logins', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Logins'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await fleet?.stop(); });

  async function run(loginId: string) {
    const spec = { ...fixtureJobs(inject('fixtureUrl')).login.spec, login: { id: loginId }, retry: { maxAttempts: 1 } };
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Orders', spec });
    expect(job.status, job.text).toBe(201);
    const started = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const runId = String(started.body.id);
    const done = await waitForRun(org.key, runId);
    const results = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
    const skus = results.text.trim() ? results.text.trim().split('\n').map((l) => (JSON.parse(l) as { sku: string }).sku) : [];
    return { runId, done, skus };
  }

  it('logs in with the stored credential, saves the session, and the next run reuses it', async () => {
    const created = await api(org.key, 'POST', '/v1/logins', {
      name: 'fixture shop', credential: { username: LOGIN.user, password: LOGIN.password }, flow: fixtureLoginFlow(inject('fixtureUrl')),
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ hasCredential: true, hasStorageState: false });
    expect(created.text).not.toContain(LOGIN.password);
    const loginId = String(created.body.id);

    const first = await run(loginId);
    expect(first.done).toMatchObject({ status: 'succeeded', counts: { items: 3 } });
    expect(first.skus.sort()).toEqual(['LGN-01', 'LGN-02', 'LGN-03']);
    const events = await followEvents(org.key, first.runId);
    expect(events.some((e) => e.message.includes('new session is saved'))).toBe(true);

    const list = await api(org.key, 'GET', '/v1/logins');
    expect(list.body.data).toEqual([expect.objectContaining({ id: loginId, hasStorageState: true, stateSavedAt: expect.any(Number) })]);
    expect(list.text).not.toContain(LOGIN.password);
    expect(list.text).not.toContain('fixture-session-ok');

    const second = await run(loginId);
    expect(second.done).toMatchObject({ status: 'succeeded', counts: { items: 3 } });
    const again = await followEvents(org.key, second.runId);
    expect(again.some((e) => e.message.includes('logging in') || e.message.includes('new session is saved'))).toBe(false);
  });

  it('a stale stored session without a credential is LOGIN_REQUIRED; another organization cannot save a job with the login', async () => {
    const stale = await api(org.key, 'POST', '/v1/logins', { name: 'stale', storageState: fixtureStorageState(inject('fixtureUrl'), false) });
    expect(stale.status, stale.text).toBe(201);
    const r = await run(String(stale.body.id));
    expect(r.done).toMatchObject({ status: 'failed', error: { code: 'LOGIN_REQUIRED' }, counts: { pagesSoftFailed: 1 } });

    const other = await newOrg('Other');
    const spec = { ...fixtureJobs(inject('fixtureUrl')).login.spec, login: { id: String(stale.body.id) }, retry: { maxAttempts: 1 } };
    // Refused on save like an id that does not exist (tests/e2e/tenancy.test.ts compares the two answers).
    const job = await api(other.key, 'POST', '/v1/jobs', { name: 'Theft', spec });
    expect(job.status, job.text).toBe(400);
    expect((job.body.error as { code: string }).code).toBe('INVALID_SPEC');
  });
});
