import { z } from 'zod';

/**
 * The closed set of error codes. Each code carries its retry decision, default backoff,
 * a one-line hint for the user and where to look; the API, the coordinator and the fleet
 * all decide from this table, never from message text.
 */
export const ERROR_CODES = [
  // task and run failures
  'NAVIGATION_ERROR',
  'NAVIGATION_TIMEOUT',
  'HTTP_4XX',
  'HTTP_5XX',
  'RATE_LIMITED',
  'SELECTOR_TIMEOUT',
  'ACTION_BLOCKED',
  'EXTRACTION_EMPTY',
  'PATTERN_TIMEOUT',
  'BLOCKED_BY_POLICY',
  'PROXY_FAILED',
  'BLOCKED_BY_SITE',
  'LOGIN_REQUIRED',
  'SESSION_EXPIRED',
  'BROWSER_CRASHED',
  'PAGE_CRASHED',
  'PAGE_CLOSED',
  'DOWNLOAD_REFUSED',
  'FLEET_UNAVAILABLE',
  'NODE_LOST',
  'TASK_TIMEOUT',
  'RUN_TIMEOUT',
  'RUN_WARNINGS',
  'CANCELLED',
  'INTERNAL',
  // API errors
  'INVALID_SPEC',
  'INVALID_REQUEST',
  'UNREACHABLE_TARGET',
  'PRIVATE_PROXY',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LEASE_LOST',
  'FLEET_BUSY',
  'RUN_NOT_FINISHED',
  'RATE_LIMITED_API',
  'EMAIL_NOT_VERIFIED',
  'BUILT_IN_TEMPLATE',
  'SHARE_LINK_INVALID',
  'INVALID_SCHEDULE',
  'CHANGES_UNAVAILABLE',
  'RUN_NOT_SUSPECT',
  'PUBLISHABLE_KEY_REQUIRED',
  'RUN_EXPIRED',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export type ErrorLook = 'trace' | 'har' | 'screenshot' | 'logs' | 'spec' | 'none';

export interface ErrorInfo {
  /** HTTP status when the code is returned by the API. */
  status: number;
  /** Whether a task failing with this code is attempted again (within the job's retry policy). */
  retryable: boolean;
  /** Base backoff before the next attempt; doubled per attempt, with jitter. */
  backoffMs: number;
  hint: string;
  look: ErrorLook[];
}

export const ERRORS: Record<ErrorCode, ErrorInfo> = {
  NAVIGATION_ERROR: { status: 502, retryable: true, backoffMs: 1000, hint: 'The page could not be loaded (DNS, TLS or connection failure). Check the URL opens in a browser.', look: ['har', 'logs'] },
  NAVIGATION_TIMEOUT: { status: 504, retryable: true, backoffMs: 2000, hint: 'The page did not finish loading in time. Raise limits.taskTimeoutMs or wait for a selector instead of "load".', look: ['trace', 'har'] },
  HTTP_4XX: { status: 502, retryable: false, backoffMs: 0, hint: 'The site answered with a 4xx status. Check the URL still exists and needs no login.', look: ['har', 'screenshot'] },
  HTTP_5XX: { status: 502, retryable: true, backoffMs: 2000, hint: 'The site answered with a 5xx status. It is usually temporary; retries are automatic.', look: ['har'] },
  RATE_LIMITED: { status: 502, retryable: true, backoffMs: 5000, hint: 'The site answered 429. Lower the job\'s concurrency; Retry-After is honoured.', look: ['har'] },
  SELECTOR_TIMEOUT: { status: 502, retryable: true, backoffMs: 1000, hint: 'The awaited selector never appeared. Check it against the page in the trace or screenshot.', look: ['trace', 'screenshot'] },
  ACTION_BLOCKED: { status: 502, retryable: false, backoffMs: 0, hint: 'An action\'s element was covered by another element (often an iframe: a consent wall or a form inside a frame). Give the step "frame" with the iframe\'s selector, or dismiss the overlay first.', look: ['screenshot'] },
  EXTRACTION_EMPTY: { status: 502, retryable: true, backoffMs: 1000, hint: 'The item selector matched nothing on the page. Check itemSelector, or add a wait rule for dynamic content.', look: ['screenshot', 'trace'] },
  PATTERN_TIMEOUT: { status: 502, retryable: false, backoffMs: 0, hint: 'A regex or replace step took longer than its time budget on this page. Narrow the field\'s selector to less text or simplify the pattern.', look: ['spec'] },
  PROXY_FAILED: { status: 502, retryable: true, backoffMs: 2000, hint: 'None of the job\'s upstream proxies could be reached or they refused the connection; check them (GET /v1/proxies) and their credentials. A failing proxy is skipped for a minute.', look: ['logs'] },
  BLOCKED_BY_POLICY: { status: 403, retryable: false, backoffMs: 0, hint: 'The URL is outside the organization\'s network or domain policy.', look: ['logs'] },
  BLOCKED_BY_SITE: { status: 502, retryable: true, backoffMs: 10000, hint: 'The site showed a bot challenge or block page. Lower the rate or use a stored login.', look: ['screenshot', 'har'] },
  LOGIN_REQUIRED: { status: 502, retryable: false, backoffMs: 0, hint: 'The page asks for a login. Refresh the job\'s stored login.', look: ['screenshot'] },
  SESSION_EXPIRED: { status: 502, retryable: true, backoffMs: 1000, hint: 'The page said the site\'s session expired (session.expired matched). With session.keep the retry restarts from the last good page with its session; without it, set session.keep for sites that bind pagination to a session.', look: ['screenshot'] },
  BROWSER_CRASHED: { status: 502, retryable: true, backoffMs: 1000, hint: 'The browser or its page crashed. Retries use a fresh browser context.', look: ['logs'] },
  // A page that kills its own renderer (memory bomb, crash) usually does it again: not retried unless the job asks.
  PAGE_CRASHED: { status: 502, retryable: false, backoffMs: 0, hint: 'The page crashed its renderer (often by using too much memory). Only this task failed; add PAGE_CRASHED to retry.codes to try it again.', look: ['logs'] },
  PAGE_CLOSED: { status: 502, retryable: false, backoffMs: 0, hint: 'The page closed itself (window.close()) before the task finished.', look: ['logs'] },
  DOWNLOAD_REFUSED: { status: 502, retryable: false, backoffMs: 0, hint: 'The URL answered with a file download (Content-Disposition: attachment), which fleet browsers refuse. Point the job at pages.', look: ['har'] },
  FLEET_UNAVAILABLE: { status: 503, retryable: true, backoffMs: 5000, hint: 'No browser fleet node accepted the task. Check that a fleet node is running and registered.', look: ['logs'] },
  // Node loss has its own budget per task (ADR 0048), apart from the job's retry policy: not retryable by it.
  NODE_LOST: { status: 503, retryable: false, backoffMs: 1000, hint: 'The fleet node running the task was lost (it died or stopped renewing its lease) too many times; each loss was retried on another node without spending the retry policy\'s attempts. Check the fleet nodes\' health and logs.', look: ['logs'] },
  TASK_TIMEOUT: { status: 504, retryable: true, backoffMs: 1000, hint: 'The task exceeded limits.taskTimeoutMs. Raise it or reduce the work per page.', look: ['trace'] },
  RUN_WARNINGS: { status: 422, retryable: false, backoffMs: 0, hint: 'The run ended with warnings the job fails on (failOnWarnings); see the run\'s warnings. Its items are still downloadable.', look: ['logs'] },
  RUN_TIMEOUT: { status: 504, retryable: false, backoffMs: 0, hint: 'The run exceeded limits.runTimeoutMs; results gathered so far were kept.', look: ['logs'] },
  CANCELLED: { status: 409, retryable: false, backoffMs: 0, hint: 'The run was cancelled; results gathered so far were kept.', look: ['none'] },
  INTERNAL: { status: 500, retryable: true, backoffMs: 1000, hint: 'An internal error. Quote the request id when you report it.', look: ['logs'] },
  INVALID_SPEC: { status: 400, retryable: false, backoffMs: 0, hint: 'Fix the fields listed in details.issues and send the request again.', look: ['spec'] },
  INVALID_REQUEST: { status: 400, retryable: false, backoffMs: 0, hint: 'Fix the request parameters listed in details.issues.', look: ['none'] },
  UNREACHABLE_TARGET: { status: 400, retryable: false, backoffMs: 0, hint: 'The URL names a private, loopback or special-purpose address or name (localhost, 10.0.0.0/8, ::1, *.local...) or port 0; the fleet only fetches public hosts. See details.issues.', look: ['spec'] },
  PRIVATE_PROXY: { status: 400, retryable: false, backoffMs: 0, hint: 'The upstream proxy is on a private, loopback or special-purpose address or name; give a proxy reachable on the public internet (see ADR 0035).', look: ['none'] },
  UNAUTHORIZED: { status: 401, retryable: false, backoffMs: 0, hint: 'Send a valid API key as "Authorization: Bearer <key>".', look: ['none'] },
  FORBIDDEN: { status: 403, retryable: false, backoffMs: 0, hint: 'The key or role lacks the permission this call needs.', look: ['none'] },
  NOT_FOUND: { status: 404, retryable: false, backoffMs: 0, hint: 'Check the id and that it belongs to your organization.', look: ['none'] },
  CONFLICT: { status: 409, retryable: false, backoffMs: 0, hint: 'The resource is not in a state that allows this change.', look: ['none'] },
  LEASE_LOST: { status: 409, retryable: false, backoffMs: 0, hint: 'The task was reassigned or the run ended; drop this attempt.', look: ['none'] },
  FLEET_BUSY: { status: 503, retryable: true, backoffMs: 500, hint: 'The fleet node has no free slot; the task is retried on another node.', look: ['none'] },
  RUN_NOT_FINISHED: { status: 409, retryable: true, backoffMs: 1000, hint: 'Results are written when the run ends; follow /events or poll the run.', look: ['none'] },
  RATE_LIMITED_API: { status: 429, retryable: true, backoffMs: 1000, hint: 'Too many requests; wait for Retry-After.', look: ['none'] },
  EMAIL_NOT_VERIFIED: { status: 403, retryable: false, backoffMs: 0, hint: 'Verify the e-mail address with your identity provider, or sign in with the identity you first used.', look: ['none'] },
  BUILT_IN_TEMPLATE: { status: 409, retryable: false, backoffMs: 0, hint: 'Built-in templates ship with Trawl and cannot be changed or deleted; save a job as an organization template instead.', look: ['none'] },
  SHARE_LINK_INVALID: { status: 401, retryable: false, backoffMs: 0, hint: 'The share link is unknown, expired or revoked: ask the person who shared the run for a new link.', look: ['none'] },
  INVALID_SCHEDULE: { status: 400, retryable: false, backoffMs: 0, hint: 'Use five cron fields (minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5") and an IANA time zone such as "Europe/Berlin" or "UTC".', look: ['none'] },
  CHANGES_UNAVAILABLE: { status: 409, retryable: false, backoffMs: 0, hint: 'A change feed is kept for finished, not cancelled runs of jobs with a dedupeKey; set spec.dedupeKey and run the job again.', look: ['spec'] },
  RUN_NOT_SUSPECT: { status: 409, retryable: false, backoffMs: 0, hint: 'Only a run the drift guard marked suspect, and nobody accepted yet, can be accepted; see the run\'s suspect field.', look: ['none'] },
  PUBLISHABLE_KEY_REQUIRED: { status: 403, retryable: false, backoffMs: 0, hint: 'Badges and widgets live in public pages: never put a secret key there. Create a publishable key for the job (POST /v1/keys with kind "publishable" and jobIds) and revoke any secret key that was exposed.', look: ['none'] },
  RUN_EXPIRED: { status: 410, retryable: false, backoffMs: 0, hint: 'The run ended longer ago than your organization keeps results and logs (its retention); its summary stays. Download results before they expire, or ask the operator for a longer retention.', look: ['none'] },
};

export const isRetryableCode = (code: ErrorCode): boolean => ERRORS[code].retryable;

export const ErrorIssue = z.object({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/** The one error body every API error uses. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    hint: z.string(),
    requestId: z.string().optional(),
    docs: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A failure as recorded on a task or run: serializable, code first. */
export const Failure = z.object({
  code: ErrorCode,
  message: z.string(),
  hint: z.string().optional(),
  url: z.string().optional(),
  attempt: z.number().int().optional(),
  step: z.string().optional(),
  /** The field that failed, when one did (a required field empty in every item). */
  field: z.string().optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  /** The page answered (usually 200) but was recognised as a look-alike success: counted apart from successes. */
  soft: z.boolean().optional(),
});
export type Failure = z.infer<typeof Failure>;

/** An error that crosses process boundaries by its code (class identity does not survive). */
export class TrawlError extends Error {
  override name = 'TrawlError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function isTrawlError(e: unknown): e is TrawlError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'TrawlError'
    && typeof (e as { code?: unknown }).code === 'string';
}

/** Flattens zod issues to path + message pairs, paths in dotted form ("fields.price.selector"). */
export function issuesOf(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
}
