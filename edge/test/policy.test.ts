import { describe, expect, it } from 'vitest';
import type { EgressPolicy } from '@trawl/schemas';
import { checkTargets, targetRefusal } from '../src/services/policy/targets.ts';
import { can, effectivePermissions } from '../src/services/permissions.ts';

const open: EgressPolicy = { allowDomains: [], denyDomains: [] };

/** The issues a save would report, and under which code (null: saved). */
function verdict(urls: string[], policy: EgressPolicy, allowPrivate = false): { code: string; paths: string[] } | null {
  try {
    checkTargets(urls.map((url, i) => ({ path: `spec.startUrls.${i}`, url })), policy, allowPrivate);
    return null;
  } catch (e) {
    const err = e as { code: string; details: { issues: Array<{ path: string }> } };
    return { code: err.code, paths: err.details.issues.map((i) => i.path) };
  }
}

// The full table of private and special-purpose targets is schemas/test/address-class.test.ts (edge and fleet alike).
describe('save-time target check', () => {
  it('lists every private URL under UNREACHABLE_TARGET before the domain policy is asked', () => {
    const urls = ['http://127.0.0.1/', 'https://example.com/', 'http://[::1]/', 'http://localhost./'];
    expect(verdict(urls, { allowDomains: ['nowhere.test'], denyDomains: [] })).toEqual({ code: 'UNREACHABLE_TARGET', paths: ['spec.startUrls.0', 'spec.startUrls.2', 'spec.startUrls.3'] });
    expect(verdict(['https://example.com/', 'http://8.8.8.8/'], open)).toBeNull();
    expect(verdict(['http://127.0.0.1/'], open, true)).toBeNull();
  });

  it('applies allow and deny lists with wildcards, deny winning', () => {
    const policy = { allowDomains: ['*.shop.test'], denyDomains: ['admin.shop.test'] };
    expect(verdict(['http://www.shop.test/', 'http://admin.shop.test/', 'http://shop.test/', 'http://other.test/'], policy))
      .toEqual({ code: 'BLOCKED_BY_POLICY', paths: ['spec.startUrls.1', 'spec.startUrls.2', 'spec.startUrls.3'] });
  });

  it('reports a URL template once, at its first refused page', () => {
    const targets = [1, 2, 3].map((n) => ({ path: 'spec.pagination.template', url: `http://10.0.0.${n}/` }));
    expect(() => checkTargets(targets, open, false)).toThrow(expect.objectContaining({ code: 'UNREACHABLE_TARGET', details: { issues: [{ path: 'spec.pagination.template', message: expect.stringContaining('http://10.0.0.1/') }] } }));
  });
});

describe('one URL\'s verdict (the dry run answers with it; a save refuses on it)', () => {
  it('names the rule: the private-network classifier first, then the deny entry that matched, then the allow-list', () => {
    const policy = { allowDomains: ['*.shop.test'], denyDomains: ['admin.shop.test'] };
    expect(targetRefusal('http://10.1.2.3/x', policy, false)).toEqual({ code: 'UNREACHABLE_TARGET', rule: 'network', entry: null, reason: 'http://10.1.2.3/x: 10.1.2.3 is not a public address: Private-Use (10.0.0.0/8, RFC1918)' });
    expect(targetRefusal('http://admin.shop.test/', policy, false)).toEqual({ code: 'BLOCKED_BY_POLICY', rule: 'deny', entry: 'admin.shop.test', reason: 'host admin.shop.test matches the deny-list entry admin.shop.test' });
    expect(targetRefusal('http://other.test/', policy, false)).toEqual({ code: 'BLOCKED_BY_POLICY', rule: 'allow', entry: null, reason: 'host other.test is not on the organization\'s allow-list' });
    expect(targetRefusal('http://www.shop.test/', policy, false)).toBeNull();
    // The local stack's switch turns off the network rule only: the domain policy and "not a URL" still hold.
    expect(targetRefusal('http://10.1.2.3/x', open, true)).toBeNull();
    expect(targetRefusal('not a url', open, true)).toEqual({ code: 'UNREACHABLE_TARGET', rule: 'network', entry: null, reason: 'not a url: not a valid URL' });
    expect(targetRefusal('http://admin.shop.test/', policy, true)?.rule).toBe('deny');
  });
});

describe('permission matrix', () => {
  it('needs both the role and a scope that grants the permission', () => {
    expect(can('editor', 'jobs:write', ['*'])).toBe(true);
    expect(can('editor', 'jobs:write', ['jobs:read'])).toBe(false);
    expect(can('viewer', 'jobs:write', ['*'])).toBe(false);
    expect(can('admin', 'keys:write', ['admin'])).toBe(true);
    expect(can('admin', 'jobs:read', ['admin'])).toBe(false);
    expect(effectivePermissions('viewer', ['*'])).toEqual(['jobs:read', 'runs:read', 'results:read', 'policy:read', 'sessions:read']);
  });
});
