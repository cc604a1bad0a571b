import { z } from 'zod';

/** Bucket sizes GET /v1/insight offers; buckets are aligned to the query's `from`, not to the calendar. */
export const INSIGHT_BUCKETS = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;
export const InsightBucket = z.enum(['hour', 'day', 'week']);
export type InsightBucket = z.infer<typeof InsightBucket>;
/** More buckets than this in one answer is refused (400 INVALID_REQUEST): ask for a wider bucket. */
export const INSIGHT_MAX_BUCKETS = 400;

export const InsightQuery = z.object({
  from: z.coerce.number().int().min(0).optional().describe('Start, epoch ms (default: `to` minus 14 buckets)'),
  to: z.coerce.number().int().min(0).optional().describe('End, exclusive, epoch ms (default: now)'),
  bucket: InsightBucket.default('day'),
  jobId: z.string().max(64).optional().describe('One job\'s runs only; without it, the whole organization'),
});

const Rate = z.number().min(0).max(1).nullable();
/** One bucket's figures: runs by creation time, failed page attempts by finish time. */
export const InsightPoint = z.object({
  from: z.number().int(),
  to: z.number().int(),
  runs: z.object({ finished: z.number().int(), succeeded: z.number().int(), successRate: Rate }),
  runDurationMs: z.object({ count: z.number().int(), mean: z.number().nullable(), p95: z.number().nullable() }),
  failureCauses: z.record(z.string(), z.number().int()).describe('Failed page attempts per error code'),
  itemsPerRun: z.object({ total: z.number().int(), mean: z.number().nullable() }),
});
export type InsightPoint = z.infer<typeof InsightPoint>;

export const Insight = z.object({
  from: z.number().int(),
  to: z.number().int(),
  bucket: InsightBucket,
  bucketMs: z.number().int(),
  jobId: z.string().nullable(),
  series: z.array(InsightPoint),
});
export type Insight = z.infer<typeof Insight>;
