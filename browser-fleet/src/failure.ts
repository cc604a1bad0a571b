import { errors } from 'playwright-core';
import { ERRORS, TrawlError, isTrawlError, type ErrorCode, type Failure } from '@trawl/schemas';
import { messageOf } from './log.ts';

/** The step a task was in when it stopped; the failure code depends on it. */
export type Step = 'policy' | 'context' | 'navigate' | 'actions' | 'wait' | 'extract';

/** Why the runner stopped a task from outside its own steps. */
export type StopReason = 'deadline' | 'lease-lost' | 'shutdown';

export interface FailureFacts {
  error: unknown;
  step: Step;
  stop: StopReason | null;
  crashed: boolean;
  /** True when the step's own timeout was cut short by the task deadline. */
  deadlineBound: boolean;
}

/**
 * Maps what happened to one code, by the facts we track (stop reason, crash events, step,
 * Playwright's TimeoutError type), never by matching error message text.
 */
export function codeOf(f: FailureFacts): ErrorCode {
  if (f.stop === 'lease-lost') return 'LEASE_LOST';
  if (f.stop === 'shutdown') return 'CANCELLED';
  if (isTrawlError(f.error)) return f.error.code;
  if (f.crashed) return 'BROWSER_CRASHED';
  if (f.error instanceof errors.TimeoutError) {
    if (f.step === 'navigate') return 'NAVIGATION_TIMEOUT';
    if (f.step === 'wait' || f.step === 'actions') return f.deadlineBound ? 'TASK_TIMEOUT' : 'SELECTOR_TIMEOUT';
    return 'TASK_TIMEOUT';
  }
  if (f.stop === 'deadline') return 'TASK_TIMEOUT';
  if (f.step === 'navigate') return 'NAVIGATION_ERROR';
  // Getting no context at all means no usable browser.
  if (f.step === 'context') return 'BROWSER_CRASHED';
  return 'INTERNAL';
}

export function failureOf(f: FailureFacts, url: string, attempt: number): Failure {
  const code = codeOf(f);
  const retryAfterMs = isTrawlError(f.error) ? f.error.retryAfterMs : undefined;
  return {
    code,
    message: messageFor(code, f),
    hint: ERRORS[code].hint,
    url,
    attempt,
    step: f.step,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(isTrawlError(f.error) && f.error.details?.soft === true ? { soft: true } : {}),
    ...(isTrawlError(f.error) && typeof f.error.details?.field === 'string' ? { field: f.error.details.field } : {}),
  };
}

function messageFor(code: ErrorCode, f: FailureFacts): string {
  if (isTrawlError(f.error)) return f.error.message;
  // Playwright messages carry a call log; the first line is the useful part.
  const first = messageOf(f.error).split('\n')[0]?.slice(0, 500) ?? '';
  if (code === 'TASK_TIMEOUT') return `task deadline passed during ${f.step}${first ? `: ${first}` : ''}`;
  return first || code;
}

/** The failure for an HTTP answer that is not a page to extract from, or null for 2xx/3xx. */
export function statusError(status: number, retryAfter: string | undefined, now = Date.now()): TrawlError | null {
  if (status === 429) {
    const ms = parseRetryAfter(retryAfter, now);
    return new TrawlError('RATE_LIMITED', 'the site answered 429 Too Many Requests', { status }, ms ?? undefined);
  }
  if (status >= 400 && status < 500) return new TrawlError('HTTP_4XX', `the site answered HTTP ${status}`, { status });
  if (status >= 500) return new TrawlError('HTTP_5XX', `the site answered HTTP ${status}`, { status });
  return null;
}

/** Retry-After is either delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
