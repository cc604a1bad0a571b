import { describe, expect, it } from 'vitest';
import { ERRORS, ERROR_CODES, JobSpec, artifactsForAttempt, issuesOf, newId, signRequest, verifyRequest } from '@trawl/schemas';

describe('JobSpec', () => {
  it('fills defaults for a minimal spec', () => {
    const s = JobSpec.parse({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { t: {} } });
    expect(s.concurrency).toBe(2);
    expect(s.retry.maxAttempts).toBe(3);
    expect(s.fields.t).toMatchObject({ source: 'text', all: false, process: [{ op: 'trim' }] });
  });

  it('reports every problem with its path', () => {
    const r = JobSpec.safeParse({ startUrls: ['javascript:alert(1)'], itemSelector: 'li', fields: { t: { source: 'attr' }, u: { process: [{ op: 'regex', pattern: '(' }] } }, dedupeKey: ['zz'] });
    expect(r.success).toBe(false);
    const paths = issuesOf(r.error!).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['startUrls.0', 'fields.t.attr', 'fields.u.process.0.pattern']));
  });

  it('checks dedupe keys name fields', () => {
    const r = JobSpec.safeParse({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { t: {} }, dedupeKey: ['nope'] });
    expect(issuesOf(r.error!).map((i) => i.path)).toEqual(['dedupeKey.0']);
  });
});

describe('errors and ids', () => {
  it('gives every code a status, a retry decision and a hint', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS[code].hint.length, code).toBeGreaterThan(10);
      expect(ERRORS[code].status, code).toBeGreaterThanOrEqual(400);
    }
    expect(ERRORS.HTTP_4XX.retryable).toBe(false);
    expect(ERRORS.RATE_LIMITED.retryable).toBe(true);
  });

  it('makes prefixed ids that sort by time', () => {
    const a = newId('job', 1_000_000);
    const b = newId('job', 2_000_000);
    expect(a).toMatch(/^job_[0-9a-z]{21}$/);
    expect(a < b).toBe(true);
  });
});

describe('request signing', () => {
  const secret = 'a-shared-secret-of-some-length';
  const headers = (h: Record<string, string>) => new Headers(h);

  it('verifies a signed request and rejects any change to method, path, body, time or secret', async () => {
    const now = 1_700_000_000_000;
    const h = await signRequest(secret, 'POST', '/internal/x', '{"a":1}', now);
    expect(await verifyRequest(secret, headers(h), 'POST', '/internal/x', '{"a":1}', now)).toBeNull();
    expect(await verifyRequest(secret, headers(h), 'PUT', '/internal/x', '{"a":1}', now)).toBe('mismatch');
    expect(await verifyRequest(secret, headers(h), 'POST', '/internal/y', '{"a":1}', now)).toBe('mismatch');
    expect(await verifyRequest(secret, headers(h), 'POST', '/internal/x', '{"a":2}', now)).toBe('mismatch');
    expect(await verifyRequest('another-secret-entirely', headers(h), 'POST', '/internal/x', '{"a":1}', now)).toBe('mismatch');
    expect(await verifyRequest(secret, headers(h), 'POST', '/internal/x', '{"a":1}', now + 6 * 60_000)).toBe('skew');
    expect(await verifyRequest(secret, headers({}), 'POST', '/internal/x', '', now)).toBe('missing');
  });
});

describe('artifacts per attempt', () => {
  const spec = JobSpec.parse({ startUrls: ['https://example.com/'], itemSelector: 'li', fields: { a: {} } });

  it('traces retries by default: none on a first attempt, on-failure from the second; every attempt when the job never retries', () => {
    expect(spec.artifacts).toEqual({ trace: 'on-retry', har: 'off', screenshots: 'on-failure' });
    expect(artifactsForAttempt(spec.artifacts, 1, 3).trace).toBe('off');
    expect(artifactsForAttempt(spec.artifacts, 2, 3).trace).toBe('on-failure');
    expect(artifactsForAttempt(spec.artifacts, 1, 1).trace).toBe('on-failure');
    for (const trace of ['off', 'on-failure', 'always'] as const) expect(artifactsForAttempt({ ...spec.artifacts, trace }, 1, 3).trace).toBe(trace);
  });

  it('every error code a trace explains is retried by default, so on-retry leaves such a failure a traced attempt', () => {
    const needTrace = ERROR_CODES.filter((c) => ERRORS[c].look.includes('trace'));
    expect(needTrace.length).toBeGreaterThan(0);
    for (const code of needTrace) expect(ERRORS[code].retryable, code).toBe(true);
  });
});
