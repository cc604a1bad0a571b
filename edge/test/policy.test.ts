import { describe, expect, it } from 'vitest';
import { policyIssues } from '../src/services/policy/policy.ts';
import { privateAddressReason } from '../src/services/policy/private-address.ts';
import { can, effectivePermissions } from '../src/services/permissions.ts';

const open = { allowDomains: [], denyDomains: [] };

describe('save-time policy check', () => {
  it('refuses private and loopback hosts in every spelling URL parsing accepts', () => {
    const urls = ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::1]/',
      'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/', 'http://10.1.2.3/', 'http://192.168.0.1/', 'http://100.64.0.1/',
      'http://[fd00::1]/', 'http://localhost:8080/', 'http://0.0.0.0/', 'http://224.0.0.1/'];
    const issues = policyIssues(urls, open, false);
    expect(issues.map((i) => i.path)).toEqual(urls.map((_, i) => `spec.startUrls.${i}`));
    expect(policyIssues(['https://example.com/', 'http://8.8.8.8/'], open, false)).toEqual([]);
    expect(policyIssues(['http://127.0.0.1/'], open, true)).toEqual([]);
  });

  it('applies allow and deny lists with wildcards, deny winning', () => {
    const policy = { allowDomains: ['*.shop.test'], denyDomains: ['admin.shop.test'] };
    expect(policyIssues(['http://www.shop.test/', 'http://admin.shop.test/', 'http://shop.test/', 'http://other.test/'], policy, false)
      .map((i) => i.path)).toEqual(['spec.startUrls.1', 'spec.startUrls.2', 'spec.startUrls.3']);
  });

  it('names the kind of address', () => {
    expect(privateAddressReason('169.254.169.254')).toBe('link-local');
    expect(privateAddressReason('100.64.1.1')).toBe('CGNAT');
    expect(privateAddressReason('::ffff:7f00:1')).toBe('IPv4-mapped');
    expect(privateAddressReason('93.184.216.34')).toBeNull();
  });
});

describe('permission matrix', () => {
  it('needs both the role and a scope that grants the permission', () => {
    expect(can('editor', 'jobs:write', ['*'])).toBe(true);
    expect(can('editor', 'jobs:write', ['jobs:read'])).toBe(false);
    expect(can('viewer', 'jobs:write', ['*'])).toBe(false);
    expect(can('admin', 'keys:write', ['admin'])).toBe(true);
    expect(can('admin', 'jobs:read', ['admin'])).toBe(false);
    expect(effectivePermissions('viewer', ['*'])).toEqual(['jobs:read', 'runs:read', 'results:read', 'policy:read']);
  });
});
