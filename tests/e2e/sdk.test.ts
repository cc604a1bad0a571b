/**
 * @trawl/sdk against the real dev stack (wrangler dev, a fleet node, Chromium): every resource, the event iterator
 * across a connection the test cuts mid-run, 429 retries after Retry-After on a key limited to 20 requests a minute,
 * and the generated types checked against the served /v1/openapi.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Trawl, isTrawlError, type RunEvent, type TrawlError } from '@trawl/sdk';
import { GENERATED, renderSchema } from '../../client/scripts/render.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { newOrg } from './client.ts';
import { expectedRecords } from './expected.ts';
import { startDropProxy, type DropProxy } from './drop-proxy.ts';

const bySku = (rows: Array<Record<string, unknown>>) => [...rows].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
async function thrown(p: Promise<unknown>): Promise<TrawlError> {
  try { await p; } catch (e) { if (isTrawlError(e)) return e; throw e; }
  throw new Error('expected a TrawlError');
}

describe('@trawl/sdk on the dev stack', () => {
  let fleet: FleetNode;
  let proxy: DropProxy;
  let trawl: Trawl;
  beforeAll(async () => {
    let org: Awaited<ReturnType<typeof newOrg>>;
    [org, fleet, proxy] = await Promise.all([newOrg('SDK'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 }), startDropProxy(inject('edgeUrl'))]);
    trawl = new Trawl({ baseUrl: proxy.url, apiKey: org.key });
  });
  afterAll(async () => { await fleet?.stop(); await proxy?.close(); });

  it('the committed generated types are exactly what openapi-typescript makes of the served /v1/openapi.json', async () => {
    const doc: unknown = await (await fetch(`${inject('edgeUrl')}/v1/openapi.json`)).json();
    for (const view of ['answers', 'requests'] as const) {
      expect(await renderSchema(doc, view), GENERATED[view]).toBe(readFileSync(join(import.meta.dirname, '../../client/src', GENERATED[view]), 'utf8'));
    }
  });

  it('jobs: create, get, list, update, save by name, validate, delete; errors carry the API code, message and hint', async () => {
    const spec = demoJobSpec(inject('demoUrl'));
    const job = await trawl.jobs.create({ name: 'SDK jobs', spec });
    expect((await trawl.jobs.get(job.id)).name).toBe('SDK jobs');
    expect((await trawl.jobs.list({ q: 'SDK jobs' })).data.map((j) => j.id)).toEqual([job.id]);
    expect((await trawl.jobs.update(job.id, { name: 'SDK jobs renamed' })).name).toBe('SDK jobs renamed');
    const again = await trawl.jobs.upsert({ name: 'SDK jobs renamed', spec: { ...spec, concurrency: 1 } });
    expect(again).toMatchObject({ created: false, job: { id: job.id, spec: { concurrency: 1 } } });
    expect((await trawl.jobs.validate(spec)).ok).toBe(true);
    const bad = await thrown(trawl.jobs.validate({ ...spec, fields: { price: { selector: '.price', process: [{ op: 'nope' }] } } } as never));
    expect([bad.status, bad.code]).toEqual([400, 'INVALID_SPEC']);
    expect(bad.issues.map((i) => i.path)).toEqual(['spec.fields.price.process.0.op']);
    expect(bad.hint).toBeTruthy();
    await trawl.jobs.delete(job.id);
    const gone = await thrown(trawl.jobs.get(job.id));
    expect([gone.status, gone.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('a run: events resume exactly once each across a cut connection; results stream as records; logs, artifacts, lists', async () => {
    const demoUrl = inject('demoUrl');
    const job = await trawl.jobs.create({ name: 'SDK run', spec: { ...demoJobSpec(demoUrl), artifacts: { trace: 'off', har: 'off', screenshots: 'final' } } });
    const run = await trawl.runs.start(job.id);
    const seen: RunEvent[] = [];
    const reconnects: number[] = [];
    let cut = 0;
    for await (const e of trawl.runs.events(run.id, { onReconnect: (r) => reconnects.push(r.after) })) {
      seen.push(e);
      if (seen.length === 3) cut = proxy.dropWebSockets();
    }
    expect(cut).toBe(1);
    expect(reconnects).toEqual([seen[2]!.seq]);
    const log = await trawl.runs.logs(run.id);
    expect(seen.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    expect(seen.at(-1)?.type).toBe('run.finished');

    const done = await trawl.runs.get(run.id);
    expect(done.status).toBe('succeeded');
    const records: Array<Record<string, unknown>> = [];
    for await (const r of trawl.runs.results(run.id)) records.push(r);
    expect(bySku(records)).toEqual(bySku(expectedRecords(demoUrl)));
    const csv = await new Response(await trawl.runs.download(run.id, 'csv')).text();
    expect(csv.split(/\r?\n/)[0]).toBe('sku,name,price,category,url');

    expect((await trawl.runs.list({ jobId: job.id })).data.map((r) => r.id)).toEqual([run.id]);
    const arts = (await trawl.runs.artifacts(run.id)).data;
    expect(arts.map((a) => a.kind)).toEqual(['screenshot', 'screenshot', 'screenshot']);
    const png = new Uint8Array(await (await trawl.runs.artifact(arts[0]!.id)).arrayBuffer());
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await thrown(trawl.runs.cancel(run.id))).code).toBe('CONFLICT');
    expect((await thrown(trawl.runs.results('run_nope').next())).code).toBe('NOT_FOUND');
  });

  it('keys, logins and policy', async () => {
    const key = await trawl.keys.create({ kind: 'secret', name: 'sdk viewer', role: 'viewer', scopes: ['*'] });
    expect(key.key).toMatch(/^trawl_/);
    expect((await trawl.keys.list()).data.map((k) => k.id)).toContain(key.id);
    const rotated = await trawl.keys.rotate(key.id);
    expect(rotated.replaces).toBe(key.id);
    const viewer = new Trawl({ baseUrl: proxy.url, apiKey: rotated.key });
    expect((await thrown(viewer.jobs.create({ name: 'no', spec: demoJobSpec(inject('demoUrl')) }))).code).toBe('FORBIDDEN');
    expect((await trawl.keys.revoke(rotated.id)).revokedAt).toBeGreaterThan(0);
    expect((await thrown(viewer.jobs.list())).status).toBe(401);

    const login = await trawl.logins.create({ name: 'sdk login', storageState: { cookies: [{ name: 'sid', value: 's3cret', domain: 'shop.example.test', path: '/' }], origins: [] } });
    expect(login).toMatchObject({ name: 'sdk login', hasStorageState: true, hasCredential: false });
    expect(JSON.stringify(await trawl.logins.list())).not.toContain('s3cret');
    await trawl.logins.delete(login.id);
    expect((await trawl.logins.list()).data.map((l) => l.id)).not.toContain(login.id);

    const policy = await trawl.policy.set({ allowDomains: [], denyDomains: ['*.bad.example.test'] });
    expect(policy.denyDomains).toEqual(['*.bad.example.test']);
    const verdicts = await trawl.policy.dryRun({ urls: ['https://x.bad.example.test/', 'https://good.example.test/'] });
    expect(verdicts.results.map((r) => r.allowed)).toEqual([false, true]);
  });

  it('429: waits the Retry-After the API names, then succeeds; with no retries left the error is RATE_LIMITED_API', async () => {
    const limited = await trawl.keys.create({ kind: 'secret', name: 'sdk limited', role: 'viewer', scopes: ['*'], rateLimitPerMinute: 20 });
    const retries: Array<{ status: number; delayMs: number }> = [];
    const retryAfter: Array<string | null> = [];
    const observed: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      retryAfter.push(res.headers.get('retry-after'));
      return res;
    };
    const sdk = new Trawl({ baseUrl: proxy.url, apiKey: limited.key, fetch: observed, retry: { onRetry: (r) => retries.push(r) } });
    const eager = new Trawl({ baseUrl: proxy.url, apiKey: limited.key, retry: { maxRetries: 0 } });
    // Call until the bucket is empty: the call that meets the 429 waits and then succeeds like the others.
    let last = { ms: 0, denyDomains: [] as string[] };
    for (let i = 0; i < 60 && retries.length === 0; i++) {
      const t0 = Date.now();
      const policy = await sdk.policy.get();
      last = { ms: Date.now() - t0, denyDomains: policy.denyDomains };
    }
    expect(retries.map((r) => r.status)).toEqual([429]);
    expect(last.denyDomains).toEqual(['*.bad.example.test']);
    // Exactly one answer named a Retry-After (seconds); the SDK waited exactly that, within the call that met it.
    const named = retryAfter.filter((v) => v !== null);
    expect(named).toEqual([String(retries[0]!.delayMs / 1000)]);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(last.ms).toBeGreaterThanOrEqual(retries[0]!.delayMs);
    // The retried call took the token that came back; another call at once is refused, and without retries it throws.
    const refused = await thrown(eager.policy.get());
    expect([refused.status, refused.code]).toEqual([429, 'RATE_LIMITED_API']);
    expect(refused.message).toBe('Too many requests for this API key');
  });
});
