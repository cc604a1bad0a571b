import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROW_FIELDS } from '../../fixtures/src/jobs.ts';
import { SESSION_COOKIE_PREFIX, SESSION_EXPIRED_TEXT, SESSION_PAGE_SIZE, SESSION_RECORDS } from '../../fixtures/src/session-pages.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

const spec = (query: string, session: unknown, maxAttempts = 3) => ({
  startUrls: [`${inject('fixtureUrl')}/session-list${query}`], itemSelector: 'li.product', fields: ROW_FIELDS,
  pagination: { type: 'nextLink', selector: 'a.next' }, concurrency: 1, retry: { maxAttempts }, session,
});
const keep = { keep: true, expired: { text: SESSION_EXPIRED_TEXT } };
const plain = SESSION_RECORDS.map((r) => ({ sku: r.sku, name: r.name, price: r.price }));

/**
 * Issue #12 §3/§7 through the whole product (API, coordinator, queue, a fleet node, Chromium, the fixture site):
 * a listing whose next links carry single-use tokens bound to a cookie session. With session.keep each page starts
 * with the storage state the previous one left; a retry restarts from the last good page; a page saying the
 * session expired is a soft SESSION_EXPIRED failure naming the step.
 */
describe('one session across the pages of a nextLink chain', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Kept session'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await fleet?.stop(); });


  it('session.keep: all 4 pages in order with the session each left, exact records, no cookie in the events', async () => {
    const r = await runJobToEnd(org.key, 'Kept session', spec('', keep));
    expect(r.run).toMatchObject({ status: 'succeeded', error: null, counts: { pagesSucceeded: 4, pagesFailed: 0, pagesSoftFailed: 0, retries: 0, items: 12 } });
    expect(r.items).toEqual(plain);
    const events = await followEvents(org.key, r.runId);
    expect(JSON.stringify(events)).not.toContain(SESSION_COOKIE_PREFIX);
  });

  it('page 3 fails once after spending its token: the retry restarts from page 2 and the run still gets every record', async () => {
    const r = await runJobToEnd(org.key, 'Kept session, one failure', spec('?fail=3', keep));
    expect(r.run).toMatchObject({ status: 'succeeded', error: null, counts: { pagesSucceeded: 4, pagesFailed: 0, pagesSoftFailed: 0, retries: 1, items: 12 } });
    expect(r.items).toEqual(plain);
    const events = await followEvents(org.key, r.runId);
    const retried = events.filter((e) => e.type === 'task.retrying').map((e) => (e.data as { error: { code: string } }).error.code);
    expect(retried).toEqual(['HTTP_5XX']);
    const resumed = events.filter((e) => e.message.includes('restarts from the last good page'));
    expect(resumed.map((e) => (e.data as { resumeFrom: string }).resumeFrom)).toEqual([expect.stringMatching(/\/session-list\?page=2&t=/)]);
  });

  it('without session.keep the second page says the session expired: soft SESSION_EXPIRED naming the step, page 1 kept', async () => {
    const r = await runJobToEnd(org.key, 'Fresh contexts', spec('', { keep: false, expired: { text: SESSION_EXPIRED_TEXT } }, 2));
    expect(r.run).toMatchObject({ status: 'partial', counts: { pagesSucceeded: 1, pagesFailed: 1, pagesSoftFailed: 2, retries: 1, items: SESSION_PAGE_SIZE } });
    expect(r.run.error).toMatchObject({ code: 'SESSION_EXPIRED', step: 'navigate', soft: true });
    expect(String(r.run.error?.message)).toContain(`session expired at step navigate`);
    expect(r.items).toEqual(plain.slice(0, SESSION_PAGE_SIZE));
    // Page 2 of the fixture's chain fails for good (its links to 3 and 4 are never seen): one page, counted once.
    expect(r.run.warnings).toEqual([{ code: 'SESSION_EXPIRED', reason: 'navigate', step: 'navigate', count: 1,
      message: '1 page(s) failed for good (final attempts) because the site said the session expired at step navigate: set session.keep so each page keeps the session the previous one left (session.keep, ADR 0041)' }]);
  });

  it('session.keep without nextLink pagination is refused with INVALID_SPEC naming session.keep', async () => {
    const bad = await api(org.key, 'POST', '/v1/jobs', { name: 'No chain', spec: { ...spec('', keep), pagination: undefined } });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_SPEC', details: { issues: [{ path: 'spec.session.keep',
      message: 'session.keep carries a session along a chain of next links: it needs pagination of type "nextLink"' }] } } });
  });
});
