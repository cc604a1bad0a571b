import { describe, expect, it } from 'vitest';
import type { JobSpec } from '@trawl/schemas';
import { staleReportOf } from '../src/coordinator/login-stale.ts';
import { handoffLink, staleLoginEmail } from '../src/services/logins/stale-mail.ts';

const meta = { orgId: 'org_1', jobId: 'job_1', runId: 'run_1', edgeUrl: 'http://127.0.0.1:8787', spec: { login: { id: 'lgn_1' } } as unknown as JobSpec };

describe('stale login (ADR 0054)', () => {
  it('reports the run, the login, the code and the page', () => {
    expect(staleReportOf(meta, { code: 'SESSION_EXPIRED' }, 'https://shop.test/a')).toEqual({
      orgId: 'org_1', jobId: 'job_1', runId: 'run_1', loginId: 'lgn_1', code: 'SESSION_EXPIRED', url: 'https://shop.test/a', edgeUrl: 'http://127.0.0.1:8787' });
  });

  it('refuses a failure that does not say the login went stale, and a job without a login', () => {
    expect(() => staleReportOf(meta, { code: 'HTTP_5XX' }, 'https://shop.test/a')).toThrow('not a stale login: HTTP_5XX');
    expect(() => staleReportOf({ ...meta, spec: {} as JobSpec }, { code: 'LOGIN_REQUIRED' }, 'https://shop.test/a')).toThrow('not a stale login: LOGIN_REQUIRED');
  });

  it('links to the app\'s hand-off for that login, whatever the base\'s trailing slash', () => {
    expect(handoffLink('https://trawl.example/', 'lgn_1')).toBe('https://trawl.example/app/settings/?handoff=lgn_1#logins-head');
    expect(handoffLink('https://trawl.example', 'lgn 1')).toBe('https://trawl.example/app/settings/?handoff=lgn%201#logins-head');
  });

  it('writes one e-mail naming the login, the job, the run, the page, the reason and the link', () => {
    const mail = staleLoginEmail({ loginId: 'lgn_1', loginName: 'shop', jobName: 'Orders', runId: 'run_1', code: 'LOGIN_REQUIRED', url: 'https://shop.test/a', base: 'https://trawl.example' });
    expect(mail.subject).toBe('Trawl: stored login "shop" needs signing in again');
    expect(mail.text.split('\n')).toEqual([
      'The stored login "shop" (lgn_1) no longer opens the site: the site asks to sign in again (LOGIN_REQUIRED).',
      'Job "Orders", run run_1, page https://shop.test/a.', '',
      'Sign in again through the hand-off (the session is saved encrypted and never shown):',
      'https://trawl.example/app/settings/?handoff=lgn_1#logins-head', '',
      'Runs of the job keep running meanwhile; this is the only e-mail until the login is saved again.',
    ]);
  });
});
