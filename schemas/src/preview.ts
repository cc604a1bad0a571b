import { z } from 'zod';
import { Failure } from './errors.ts';
import { ItemData } from './item.ts';
import { JobSpec } from './job-spec.ts';
import { Discovered, TaskTimings } from './task.ts';

/** POST /v1/preview: run a spec on one page (its first start URL, or `url`), listing or detail part. */
export const PreviewRequest = z.object({
  spec: JobSpec,
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** Preview the detail part of the spec on `url` (a detail page) instead of the listing. */
  part: z.enum(['listing', 'detail']).default('listing'),
  screenshot: z.boolean().default(true),
  /**
   * The saved job this spec is a draft of: a listing preview that succeeds is remembered as the job's preview
   * baseline, and its runs then warn FEWER_ITEMS / FILL_RATE_DROP against it too (ADR 0031).
   */
  jobId: z.string().min(1).max(64).optional(),
}).strict();
export type PreviewRequest = z.infer<typeof PreviewRequest>;

/** What one page gave, with what a spec author needs to fix the spec. */
export const PreviewResult = z.object({
  url: z.string(),
  finalUrl: z.string().optional(),
  httpStatus: z.number().int().optional(),
  outcome: z.enum(['succeeded', 'failed']),
  /** The first items (at most 100); `itemCount` says how many there were. */
  items: z.array(ItemData).max(100),
  itemCount: z.number().int(),
  /** Elements the item selector matched, before visibility, exclusion and required-field checks. */
  matched: z.number().int(),
  incomplete: z.number().int(),
  /** Per field, the share of items in which it is non-empty (0..1). */
  fillRates: z.record(z.string(), z.number()),
  warnings: z.array(z.string()),
  discovered: z.array(Discovered),
  error: Failure.optional(),
  /** The in-page steps (clicks, scrolls, panels, items so far) and how pagination ended: where loading stopped. */
  steps: z.array(z.object({ message: z.string(), level: z.enum(['debug', 'info', 'warn', 'error']), data: z.record(z.string(), z.unknown()).optional() })).max(200).default([]),
  /** PNG of the viewport when extraction ended, base64. */
  screenshot: z.string().nullable(),
  timings: TaskTimings,
});
export type PreviewResult = z.infer<typeof PreviewResult>;

export const PREVIEW_ITEM_LIMIT = 100;
