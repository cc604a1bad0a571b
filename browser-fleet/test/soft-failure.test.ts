import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJobs, startFixtureSite, type FixtureSite } from '@trawl/fixtures';
import { classifyPage } from '../src/rules/soft-failure.ts';
import type { PageSignals } from '../src/rules/page-signals.ts';
import { BrowserPool } from '../src/pool.ts';
import { runJob } from './job-harness.ts';
import { startTestPool } from './test-pool.ts';

const base: PageSignals = { url: 'https://shop.example/list', title: 'Shop', h1: 'Products', text: 'Products Sign in', markers: [], passwordField: false, overlay: null };
const sig = (over: Partial<PageSignals>): PageSignals => ({ ...base, ...over });

describe('classifyPage (pure, over page signals)', () => {
  it('passes an ordinary listing, even with a login link in its header', () => {
    expect(classifyPage(base, true)).toBeNull();
    expect(classifyPage(base, false)).toBeNull();
  });

  it('recognises bot challenges by marker, title or text', () => {
    expect(classifyPage(sig({ markers: ['cloudflare-challenge'] }), true)?.code).toBe('BLOCKED_BY_SITE');
    expect(classifyPage(sig({ title: 'Just a moment...' }), true)?.code).toBe('BLOCKED_BY_SITE');
    expect(classifyPage(sig({ text: 'Please verify you are a human' }), false)?.code).toBe('BLOCKED_BY_SITE');
    expect(classifyPage(sig({ markers: ['recaptcha'] }), false)?.kind).toBe('challenge');
    // A CAPTCHA on a comment form beside real items is not a block page.
    expect(classifyPage(sig({ markers: ['recaptcha'] }), true)).toBeNull();
  });

  it('recognises login walls by a password form or a login URL', () => {
    expect(classifyPage(sig({ passwordField: true, text: 'Sign in to continue' }), false)?.code).toBe('LOGIN_REQUIRED');
    expect(classifyPage(sig({ url: 'https://shop.example/login?next=/orders' }), false)?.code).toBe('LOGIN_REQUIRED');
    expect(classifyPage(sig({ passwordField: true, text: 'Sign in' }), true)).toBeNull();
  });

  it('recognises consent overlays that cover the content and soft 404s', () => {
    expect(classifyPage(sig({ overlay: { coverage: 1, text: 'We use cookies' } }), false)).toMatchObject({ code: 'EXTRACTION_EMPTY', kind: 'consent-overlay' });
    expect(classifyPage(sig({ overlay: { coverage: 0.1, text: 'We use cookies' } }), false)).toBeNull();
    expect(classifyPage(sig({ h1: 'Product not found' }), false)).toMatchObject({ code: 'HTTP_4XX', kind: 'soft-404' });
    expect(classifyPage(sig({ title: 'Page does not exist' }), false)?.kind).toBe('soft-404');
  });
});

describe('the runner on look-alike success pages', () => {
  let pool: BrowserPool;
  let site: FixtureSite;
  beforeAll(async () => {
    [pool, site] = await Promise.all([
      startTestPool(),
      startFixtureSite(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([pool?.close(), site?.close()]);
  });
  const job = (path: string, extra: Record<string, unknown> = {}) => ({
    ...fixtureJobs(site.url).numbered.spec, startUrls: [`${site.url}${path}`], pagination: undefined,
    wait: { forItems: true, timeoutMs: 300 }, retry: { maxAttempts: 1 }, ...extra,
  });

  it.each([
    ['/challenge', 'BLOCKED_BY_SITE'],
    ['/soft-404', 'HTTP_4XX'],
    ['/consent', 'EXTRACTION_EMPTY'],
  ])('%s yields no items and %s (soft)', async (path, code) => {
    const run = await runJob(job(path), pool);
    expect(run.items).toEqual([]);
    expect(run.failures).toMatchObject([{ code, soft: true }]);
  });

  it('a dismiss rule clicks the consent overlay away and the content is extracted', async () => {
    const run = await runJob(job('/consent', { actions: [{ do: 'dismiss', selector: '#accept' }] }), pool);
    expect(run.failures).toEqual([]);
    expect(run.items.map((i) => i.sku)).toEqual(['NUM-01', 'NUM-02']);
    expect(run.items[0]?.price).toBe(1037.75); // "1.037,75 €"
  });

  it('an allowEmpty job still reports a challenge', async () => {
    const run = await runJob(job('/challenge', { allowEmpty: true }), pool);
    expect(run.failures.map((f) => f.code)).toEqual(['BLOCKED_BY_SITE']);
  });
});
