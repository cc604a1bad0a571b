import { beforeAll, describe, expect, it } from 'vitest';
import { api, newOrg } from './client.ts';

/** Templates as an API resource: the built-in gallery plus each organization's own, kept apart by organization. */
const GALLERY_IDS = ['listing-next-link', 'infinite-scroll', 'load-more', 'detail-pages', 'url-template', 'tabs', 'login'];
const spec = { startUrls: ['https://shop.example.test/list'], itemSelector: '.row', fields: { title: { selector: 'h2', required: true } } };

describe('templates API', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let other: Awaited<ReturnType<typeof newOrg>>;
  let viewerKey: string;
  beforeAll(async () => {
    [org, other] = await Promise.all([newOrg('Templates'), newOrg('Templates other')]);
    const key = await api(org.key, 'POST', '/v1/keys', { kind: 'secret', name: 'viewer', role: 'viewer', scopes: ['*'] });
    expect(key.status, key.text).toBe(201);
    viewerKey = String(key.body.key);
  });

  it('creates, lists after the gallery, gets and deletes an organization template', async () => {
    const first = await api(org.key, 'POST', '/v1/templates', { name: 'Rows', description: 'Our row pattern', spec });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ name: 'Rows', description: 'Our row pattern', builtIn: false, spec: { startUrls: spec.startUrls, itemSelector: '.row' } });
    expect(String(first.body.id)).toMatch(/^tpl_/);
    const second = await api(org.key, 'POST', '/v1/templates', { name: 'Rows 2', spec });
    expect(second.status, second.text).toBe(201);
    expect(second.body.description).toBe('');

    const all = await api<{ data: { id: string; builtIn: boolean }[]; nextCursor: string | null }>(org.key, 'GET', '/v1/templates');
    expect(all.status, all.text).toBe(200);
    expect(all.body.data.map((t) => t.id)).toEqual([...GALLERY_IDS, second.body.id, first.body.id]);
    expect(all.body.data.map((t) => t.builtIn)).toEqual([...GALLERY_IDS.map(() => true), false, false]);
    expect(all.body.nextCursor).toBe(null);

    // Cursor paging crosses from the gallery into the organization's templates without a gap or a repeat.
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: Awaited<ReturnType<typeof api<{ data: { id: string }[]; nextCursor: string | null }>>> =
        await api(org.key, 'GET', `/v1/templates?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, page.text).toBe(200);
      seen.push(...page.body.data.map((t) => t.id));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([...GALLERY_IDS, second.body.id, first.body.id]);

    const got = await api(org.key, 'GET', `/v1/templates/${String(first.body.id)}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toEqual(first.body);
    const builtIn = await api(viewerKey, 'GET', '/v1/templates/load-more');
    expect(builtIn.status, builtIn.text).toBe(200);
    expect(builtIn.body).toMatchObject({ id: 'load-more', builtIn: true, createdAt: null, spec: { pagination: { type: 'loadMore', selector: 'button.load-more' } } });

    const removed = await api(org.key, 'DELETE', `/v1/templates/${String(first.body.id)}`);
    expect(removed.status, removed.text).toBe(204);
    expect((await api(org.key, 'GET', `/v1/templates/${String(first.body.id)}`)).status).toBe(404);
    const audit = await api<{ data: { action: string; target: string }[] }>(org.key, 'GET', '/v1/audit');
    expect(audit.body.data.filter((a) => a.target === first.body.id).map((a) => a.action)).toEqual(['template.delete', 'template.create']);
  });

  it('refuses a bad spec with INVALID_SPEC and the path of the problem', async () => {
    const bad = await api(org.key, 'POST', '/v1/templates', { name: 'Bad', spec: { ...spec, fields: { price: { selector: '.p', process: [{ op: 'nope' }] } } } });
    expect(bad.status, bad.text).toBe(400);
    const error = bad.body.error as { code: string; details: { issues: { path: string }[] } };
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.details.issues.map((i) => i.path)).toContain('spec.fields.price.process.0.op');
    const noName = await api(org.key, 'POST', '/v1/templates', { name: ' ', spec });
    expect(noName.status, noName.text).toBe(400);
    expect((noName.body.error as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toEqual(['name']);
  });

  it('keeps organizations apart: another organization\'s template is 404 to read, list and delete', async () => {
    const mine = await api(org.key, 'POST', '/v1/templates', { name: 'Private', spec });
    expect(mine.status, mine.text).toBe(201);
    const id = String(mine.body.id);
    const read = await api(other.key, 'GET', `/v1/templates/${id}`);
    expect(read.status, read.text).toBe(404);
    expect((read.body.error as { code: string }).code).toBe('NOT_FOUND');
    expect((await api(other.key, 'DELETE', `/v1/templates/${id}`)).status).toBe(404);
    const theirs = await api<{ data: { id: string }[] }>(other.key, 'GET', '/v1/templates');
    expect(theirs.body.data.map((t) => t.id)).toEqual(GALLERY_IDS);
    expect((await api(org.key, 'GET', `/v1/templates/${id}`)).status).toBe(200);
  });

  it('a Viewer may read templates but not save or delete one (403)', async () => {
    const mine = await api(org.key, 'POST', '/v1/templates', { name: 'Kept', spec });
    const id = String(mine.body.id);
    const post = await api(viewerKey, 'POST', '/v1/templates', { name: 'Nope', spec });
    expect(post.status, post.text).toBe(403);
    expect((post.body.error as { code: string }).code).toBe('FORBIDDEN');
    const del = await api(viewerKey, 'DELETE', `/v1/templates/${id}`);
    expect(del.status, del.text).toBe(403);
    expect((await api(viewerKey, 'GET', `/v1/templates/${id}`)).status).toBe(200);
  });

  it('refuses to delete a built-in template with 409 BUILT_IN_TEMPLATE, and it stays listed', async () => {
    const del = await api(org.key, 'DELETE', '/v1/templates/infinite-scroll');
    expect(del.status, del.text).toBe(409);
    expect((del.body.error as { code: string }).code).toBe('BUILT_IN_TEMPLATE');
    expect((await api(org.key, 'GET', '/v1/templates/infinite-scroll')).status).toBe(200);
  });
});
