import type { ErrorCode } from '@trawl/schemas';
import type { PageSignals } from './page-signals.ts';

export interface SoftFailure {
  code: ErrorCode;
  message: string;
  /** Which classifier fired, for the run's events and for tests. */
  kind: 'challenge' | 'login-wall' | 'consent-overlay' | 'soft-404' | 'empty-fields';
}

const CHALLENGE_TITLE = /^(just a moment|attention required|access denied|are you a (robot|human)|security check|pardon our interruption|verify)/i;
const CHALLENGE_TEXT = /verify (that )?you are (a )?human|unusual traffic from your|are you a robot|complete the captcha|press (and|&) hold|checking your browser/i;
const LOGIN_TEXT = /\b(sign ?in|log ?in|login|password)\b/i;
const LOGIN_PATH = /\/(login|signin|sign-in|log-in|auth|account\/login)(\/|$|\?)/i;
const CONSENT_TEXT = /cookie|consent|privacy|gdpr|tracking/i;
const NOT_FOUND = /\b404\b|not found|(page|product|item) (does not|doesn't|no longer) exists?|no longer available|nothing (was )?found here/i;

/**
 * Pages that answer 200 but are not the content: pure decisions over page signals, unit-tested on HTML snapshots.
 * A challenge is recognised even beside items (a strong marker or title); the others only when the page gave no
 * items, so a product list with a login link in its header is never taken for a login wall.
 */
export function classifyPage(s: PageSignals, itemsFound: boolean): SoftFailure | null {
  const strongChallenge = s.markers.includes('cloudflare-challenge') || CHALLENGE_TITLE.test(s.title.trim());
  if (strongChallenge || (!itemsFound && (s.markers.length > 0 || CHALLENGE_TEXT.test(s.text)))) {
    return { code: 'BLOCKED_BY_SITE', kind: 'challenge', message: `the site showed a bot challenge or CAPTCHA (${[...s.markers, s.title].filter(Boolean).join(', ')})` };
  }
  if (itemsFound) return null;
  let path = '';
  try {
    path = new URL(s.url).pathname;
  } catch { /* about:blank */ }
  if ((s.passwordField && LOGIN_TEXT.test(s.text)) || LOGIN_PATH.test(path)) {
    return { code: 'LOGIN_REQUIRED', kind: 'login-wall', message: `the page asks for a login (${s.url})` };
  }
  if (s.overlay && s.overlay.coverage >= 0.4 && CONSENT_TEXT.test(s.overlay.text)) {
    return { code: 'EXTRACTION_EMPTY', kind: 'consent-overlay', message: 'a consent overlay covers the page; add a "dismiss" rule for its accept button' };
  }
  if (NOT_FOUND.test(s.title) || NOT_FOUND.test(s.h1)) {
    return { code: 'HTTP_4XX', kind: 'soft-404', message: `the page answered 200 but says it was not found ("${(s.h1 || s.title).slice(0, 80)}")` };
  }
  return null;
}
