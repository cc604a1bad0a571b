import { z } from 'zod';
import { Failure } from './errors.ts';
import { RunWarning } from './warnings.ts';
import { RenderCounts } from './render.ts';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
export const isFinalStatus = (s: RunStatus): boolean => s !== 'queued' && s !== 'running';

export const RunCounts = z.object({
  pagesSucceeded: z.number().int(),
  pagesFailed: z.number().int(),
  pagesPending: z.number().int(),
  items: z.number().int(),
  retries: z.number().int(),
  /** Attempts whose page only looked like a success (challenge, login wall, consent overlay, soft 404, empty fields): no items taken. */
  pagesSoftFailed: z.number().int().default(0),
  /** URLs the run found but did not fetch, by reason (ADR 0027): none is dropped without a count. */
  skipped: z.object({
    /** Next pages past the job's maxPages. */
    maxPages: z.number().int(),
    /** Next pages and detail pages not followed because maxItems was reached. */
    maxItems: z.number().int(),
    /** Next pages already in the run (each URL is fetched once as a listing page, once as a detail page). */
    duplicate: z.number().int(),
  }).default({ maxPages: 0, maxItems: 0, duplicate: 0 }),
  /** Pages by the way they were rendered (fast path over HTTP or browser) and why (ADR 0049). */
  render: RenderCounts.default({ http: 0, browser: 0, reasons: {} }),
});
export type RunCounts = z.infer<typeof RunCounts>;
export const emptyCounts = (): RunCounts => ({ pagesSucceeded: 0, pagesFailed: 0, pagesPending: 0, items: 0, retries: 0, pagesSoftFailed: 0, skipped: { maxPages: 0, maxItems: 0, duplicate: 0 }, render: { http: 0, browser: 0, reasons: {} } });

export const Run = z.object({
  id: z.string(),
  jobId: z.string(),
  status: RunStatus,
  trigger: z.enum(['api', 'cron', 'schedule']),
  /** For runs a schedule started: the slot (ms) they ran for (ADR 0042). */
  scheduleSlot: z.number().int().nullable().optional(),
  counts: RunCounts,
  error: Failure.nullable(),
  /** What the run did not fully manage (values unread, items dropped, URLs skipped), known once it ended (ADR 0028). */
  warnings: z.array(RunWarning).default([]),
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  /** When the organization's retention deleted the run's results, logs and events (ADR 0047); null while kept. */
  expiredAt: z.number().int().nullable().optional(),
});
export type Run = z.infer<typeof Run>;
