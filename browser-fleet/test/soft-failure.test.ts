import { describe, expect, it } from 'vitest';
import { classifyPage } from '../src/rules/soft-failure.ts';
import type { PageSignals } from '../src/rules/page-signals.ts';

// The look-alike pages themselves (challenge, soft 404, consent overlay) run through the whole product in
// tests/e2e/page-patterns.test.ts.

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
