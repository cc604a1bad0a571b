import type { StaleLoginCode } from '@trawl/schemas';

/** The app screen where a member redoes the hand-off for one login (settings, logins section, ADR 0054). */
export const handoffLink = (base: string, loginId: string): string => `${base.replace(/\/+$/, '')}/app/settings/?handoff=${encodeURIComponent(loginId)}#logins-head`;

const WHY: Record<StaleLoginCode, string> = {
  SESSION_EXPIRED: 'the site ended the stored session',
  LOGIN_REQUIRED: 'the site asks to sign in again',
};

/** The e-mail telling the job's owners a stored login went stale: what, where it failed, and the link to redo it. */
export function staleLoginEmail(s: { loginId: string; loginName: string; jobName: string; runId: string; code: StaleLoginCode; url: string; base: string }): { subject: string; text: string } {
  return {
    subject: `Trawl: stored login "${s.loginName}" needs signing in again`,
    text: [
      `The stored login "${s.loginName}" (${s.loginId}) no longer opens the site: ${WHY[s.code]} (${s.code}).`,
      `Job "${s.jobName}", run ${s.runId}, page ${s.url}.`, '',
      'Sign in again through the hand-off (the session is saved encrypted and never shown):',
      handoffLink(s.base, s.loginId), '',
      'Runs of the job keep running meanwhile; this is the only e-mail until the login is saved again.',
    ].join('\n'),
  };
}
