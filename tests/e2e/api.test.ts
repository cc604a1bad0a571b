import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeInternalPaths } from '@trawl/schemas';
import { api, newOrg } from './client.ts';

const spec = (url = 'http://127.0.0.1:9/list') => ({
  startUrls: [url], itemSelector: 'li', fields: { name: { selector: '.name' }, price: { selector: '.price', process: [{ op: 'number' }] } },
});

describe('jobs API', () => {
  let a: Awaited<ReturnType<typeof newOrg>>;
  let b: Awaited<ReturnType<typeof newOrg>>;
  beforeAll(async () => { [a, b] = await Promise.all([newOrg('Acme'), newOrg('Globex')]); });

  it('creates, reads, lists with cursor pagination, updates and deletes a job', async () => {
    const created = await api(a.key, 'POST', '/v1/jobs', { name: 'Books', spec: spec() });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(id).toMatch(/^job_/);
    expect((created.body.spec as { concurrency: number }).concurrency).toBe(2);

    const got = await api(a.key, 'GET', `/v1/jobs/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('Books');

    for (const n of [1, 2]) expect((await api(a.key, 'POST', '/v1/jobs', { name: `More ${n}`, spec: spec() })).status).toBe(201);
    const page1 = await api<{ data: Array<{ id: string }>; nextCursor: string | null }>(a.key, 'GET', '/v1/jobs?limit=2');
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.nextCursor).toBeTruthy();
    const page2 = await api<{ data: Array<{ id: string }>; nextCursor: string | null }>(a.key, 'GET', `/v1/jobs?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.map((j) => j.id)).toContain(id);
    expect(page2.body.nextCursor).toBeNull();
    const all = [...page1.body.data, ...page2.body.data].map((j) => j.id);
    expect(new Set(all).size).toBe(3);

    const patched = await api(a.key, 'PATCH', `/v1/jobs/${id}`, { name: 'Books v2' });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Books v2');
    expect((await api(a.key, 'GET', `/v1/jobs/${id}`)).body.name).toBe('Books v2');

    expect((await api(a.key, 'DELETE', `/v1/jobs/${id}`)).status).toBe(204);
    expect((await api(a.key, 'GET', `/v1/jobs/${id}`)).status).toBe(404);
  });

  it('answers 401 without a key, with a malformed key and with a wrong secret', async () => {
    const none = await api(null, 'GET', '/v1/jobs');
    expect(none.status).toBe(401);
    expect((none.body.error as { code: string }).code).toBe('UNAUTHORIZED');
    expect((await api('not-a-key', 'GET', '/v1/jobs')).status).toBe(401);
    const forged = a.key.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await api(forged, 'GET', '/v1/jobs')).status).toBe(401);
  });

  it('scopes every job and run to the key\'s organization: another org gets 404 and sees nothing', async () => {
    const job = await api(a.key, 'POST', '/v1/jobs', { name: 'Private', spec: spec() });
    const id = String(job.body.id);
    for (const [method, path, body] of [
      ['GET', `/v1/jobs/${id}`], ['PATCH', `/v1/jobs/${id}`, { name: 'stolen' }], ['DELETE', `/v1/jobs/${id}`], ['POST', `/v1/jobs/${id}/runs`],
    ] as const) {
      const res = await api(b.key, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((res.body.error as { code: string }).code).toBe('NOT_FOUND');
    }
    const listed = await api<{ data: Array<{ id: string }> }>(b.key, 'GET', '/v1/jobs?limit=200');
    expect(listed.body.data.map((j) => j.id)).not.toContain(id);
    expect((await api(a.key, 'GET', `/v1/jobs/${id}`)).body.name).toBe('Private');

    const run = await api(a.key, 'POST', `/v1/jobs/${id}/runs`);
    expect(run.status).toBe(201);
    const runId = String(run.body.id);
    for (const path of [`/v1/runs/${runId}`, `/v1/runs/${runId}/results`]) expect((await api(b.key, 'GET', path)).status).toBe(404);
    expect((await api(b.key, 'POST', `/v1/runs/${runId}/cancel`)).status).toBe(404);
    const runs = await api<{ data: Array<{ id: string }> }>(b.key, 'GET', '/v1/runs');
    expect(runs.body.data.map((r) => r.id)).not.toContain(runId);
    expect((await api(a.key, 'POST', `/v1/runs/${runId}/cancel`)).body.status).toBe('cancelled');
  });

  it('rejects malformed JSON and invalid specs with INVALID_SPEC and the path of every problem, storing nothing', async () => {
    const kept = await api(a.key, 'POST', '/v1/jobs', { name: 'Kept', spec: spec('http://127.0.0.1:9/kept') });
    expect(kept.status).toBe(201);
    const before = await api<{ data: unknown[] }>(a.key, 'GET', '/v1/jobs?limit=200');
    const malformed = await api(a.key, 'POST', '/v1/jobs', '{"name": "x", spec: }');
    expect(malformed.status).toBe(400);
    expect((malformed.body.error as { code: string }).code).toBe('INVALID_SPEC');

    const bad = await api(a.key, 'POST', '/v1/jobs', {
      name: '', spec: { startUrls: ['ftp://example.com', 'not a url'], itemSelector: '', fields: { price: { selector: '.p', process: [{ op: 'explode' }] } }, concurrency: 0, dedupeKey: ['nope'] },
    });
    expect(bad.status).toBe(400);
    const err = bad.body.error as { code: string; hint: string; details: { issues: Array<{ path: string }> } };
    expect(err.code).toBe('INVALID_SPEC');
    expect(err.hint).toBeTruthy();
    const paths = err.details.issues.map((i) => i.path);
    for (const p of ['name', 'spec.startUrls.0', 'spec.startUrls.1', 'spec.itemSelector', 'spec.fields.price.process.0.op', 'spec.concurrency']) {
      expect(paths, p).toContain(p);
    }
    const noType = await api(a.key, 'POST', '/v1/jobs', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(noType.status).toBe(400);
    const patchBad = await api(a.key, 'PATCH', `/v1/jobs/${String(kept.body.id)}`, { name: 'Changed', spec: { startUrls: [] } });
    expect(patchBad.status, patchBad.text).toBe(400);
    const patchErr = patchBad.body.error as { code: string; details: { issues: Array<{ path: string }> } };
    expect(patchErr.code).toBe('INVALID_SPEC');
    expect(patchErr.details.issues.map((i) => i.path)).toContain('spec.startUrls');
    const unchanged = await api(a.key, 'GET', `/v1/jobs/${String(kept.body.id)}`);
    expect([unchanged.body.name, (unchanged.body.spec as { startUrls: string[] }).startUrls]).toEqual(['Kept', ['http://127.0.0.1:9/kept']]);
    const after = await api<{ data: unknown[] }>(a.key, 'GET', '/v1/jobs?limit=200');
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('answers unknown routes with the JSON error body, and serves the OpenAPI document and reference', async () => {
    const res = await api(a.key, 'GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect((res.body.error as { code: string }).code).toBe('NOT_FOUND');
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>(null, 'GET', '/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    for (const p of ['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/runs', '/v1/runs/{id}', '/v1/runs/{id}/results', '/v1/runs/{id}/events', '/v1/runs/{id}/cancel']) {
      expect(Object.keys(doc.body.paths), p).toContain(p);
    }
    const ref = await api(null, 'GET', '/v1/docs');
    expect(ref.text).toContain('POST</span> <code>/v1/jobs</code>');
    expect(ref.text).toContain('INVALID_SPEC');
    const home = await api(null, 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('/v1/docs');
  });

  it('refuses unsigned or wrongly signed fleet calls', async () => {
    const path = edgeInternalPaths.heartbeat;
    const body = { nodeId: 'evil', url: 'http://127.0.0.1:1', slots: 1, free: 1, inFlight: 0, draining: false, version: 'x' };
    expect((await api(null, 'POST', path, body)).status).toBe(401);
    const { startProtocolNode } = await import('./protocol-node.ts');
    const node = await startProtocolNode();
    try {
      expect((await node.call(path, body, 'wrong-secret-wrong-secret')).status).toBe(401);
    } finally {
      await node.close();
    }
  });
});

afterAll(() => undefined);
