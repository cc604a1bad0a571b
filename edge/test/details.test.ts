import { describe, expect, it } from 'vitest';
import { JobSpec, detailTaskSpecOf, initialUrls } from '@trawl/schemas';
import { decideAfterFailure, mergeDetail, planDiscovered, type TaskRow } from '../src/coordinator/machine.ts';

const task = (over: Partial<TaskRow> = {}): TaskRow => ({
  taskId: 'tsk_1', seq: 1, url: 'http://a/1', depth: 0, status: 'running', attempt: 1, failures: 0,
  leaseToken: 'L', leaseDeadline: null, notBefore: 0, error: null, ...over,
});
const none = () => false;
const known = (url: string) => url === 'http://a/1';
const base = { startUrls: ['http://a/'], itemSelector: 'li', fields: { sku: {}, url: {} } };

describe('detail pages and retry policy', () => {
  it('plans next pages within the room left and a detail task per stored item, counting every URL it drops', () => {
    const plan = planDiscovered([
      { kind: 'page', url: 'http://a/2' }, { kind: 'page', url: 'http://a/3' },
      { kind: 'detail', url: 'http://a/p/1', item: 0 }, { kind: 'detail', url: 'http://a/p/2', item: 1 }, { kind: 'detail', url: 'http://a/p/9', item: 9 },
    ], ['"k1"', null], 1, false, none);
    expect(plan).toEqual({ pages: ['http://a/2'], details: [{ url: 'http://a/p/1', itemKey: '"k1"' }], skipped: { maxPages: 1, maxItems: 2, duplicate: 0 } });
    expect(planDiscovered([{ kind: 'page', url: 'http://a/2' }], [], 0, false, none)).toMatchObject({ pages: [], skipped: { maxPages: 1 } });
    expect(planDiscovered([{ kind: 'page', url: 'http://a/2' }], [], -3, false, none).pages).toEqual([]);
    expect(planDiscovered([{ kind: 'page', url: 'http://a/2' }], [], 5, true, none)).toMatchObject({ pages: [], skipped: { maxPages: 0, maxItems: 1 } });
  });

  it('drops known and repeated pages before counting the room, so a repeated link never takes a new page\'s place', () => {
    const plan = planDiscovered([
      { kind: 'page', url: 'http://a/1' }, { kind: 'page', url: 'http://a/2' }, { kind: 'page', url: 'http://a/2' }, { kind: 'page', url: 'http://a/3' },
      { kind: 'detail', url: 'http://a/1', item: 0 },
    ], ['"k"'], 2, false, known);
    // The detail page at the listing's own URL is still planned: detail tasks are keyed apart from listing pages.
    expect(plan).toEqual({ pages: ['http://a/2', 'http://a/3'], details: [{ url: 'http://a/1', itemKey: '"k"' }], skipped: { maxPages: 0, maxItems: 0, duplicate: 2 } });
  });

  it('merges detail fields idempotently, never over the listing\'s own fields', () => {
    const item = { sku: 'A', url: 'http://a/p/1' };
    const once = mergeDetail(item, { description: 'd', sku: 'EVIL' });
    expect(once).toEqual({ sku: 'A', url: 'http://a/p/1', description: 'd' });
    expect(mergeDetail(once, { description: 'd', sku: 'EVIL' })).toEqual(once);
    expect(mergeDetail(item, undefined)).toBe(item);
  });

  it('retries only the codes the job\'s policy names, within maxAttempts', () => {
    const spec = JobSpec.parse({ ...base, retry: { maxAttempts: 3, codes: ['RATE_LIMITED', 'HTTP_4XX'] } });
    const r = () => 0.5;
    expect(decideAfterFailure(task(), { code: 'HTTP_5XX', message: '' }, spec, 0, r).status).toBe('failed');
    expect(decideAfterFailure(task(), { code: 'HTTP_4XX', message: '' }, spec, 0, r).status).toBe('pending');
    expect(decideAfterFailure(task({ failures: 2 }), { code: 'RATE_LIMITED', message: '' }, spec, 0, r).status).toBe('failed');
    const byDefault = JobSpec.parse(base);
    expect(decideAfterFailure(task(), { code: 'BLOCKED_BY_SITE', message: '' }, byDefault, 0, r).status).toBe('pending');
    expect(decideAfterFailure(task(), { code: 'LOGIN_REQUIRED', message: '' }, byDefault, 0, r).status).toBe('failed');
  });

  it('expands a URL template into the first pages and derives the detail task spec', () => {
    const spec = JobSpec.parse({ ...base, startUrls: ['http://a/?page=1'], pagination: { type: 'urlTemplate', template: 'http://a/?page={n}', from: 1, to: 3 } });
    expect(initialUrls(spec)).toEqual(['http://a/?page=1', 'http://a/?page=2', 'http://a/?page=3']);
    const withDetail = JobSpec.parse({ ...base, detail: { urlField: 'url', fields: { body: { selector: '.b' } } } });
    expect(detailTaskSpecOf(withDetail)).toMatchObject({ itemSelector: ':root', fields: { body: { selector: '.b' } } });
    expect(detailTaskSpecOf(JobSpec.parse(base))).toBeNull();
  });

  it('rejects detail specs that point at no field or reuse a listing field, with paths', () => {
    const bad = JobSpec.safeParse({ ...base, detail: { urlField: 'nope', fields: { sku: {} } } });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['detail.urlField', 'detail.fields.sku']));
  });
});
