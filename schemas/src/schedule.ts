import { z } from 'zod';

/** A job's schedule as set (ADR 0042). The cron and zone are checked by the edge's cron library, not by a regex here. */
export const ScheduleInput = z.object({
  cron: z.string().min(1).max(120).describe('Five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5"; or @hourly, @daily, @weekly, @monthly, @yearly'),
  timeZone: z.string().min(1).max(64).default('UTC').describe('IANA time zone the cron is read in, e.g. "Europe/Berlin"'),
  catchUp: z.enum(['latest', 'none']).default('latest').describe('Slots missed by more than 5 minutes (an outage): run the latest of them once, or none'),
  overlap: z.enum(['skip', 'queue', 'allow']).default('skip').describe('A slot due while the job still runs: skip it, queue it (one waits) or start it anyway'),
  jitterSeconds: z.number().int().min(0).max(3600).default(0).describe('Each run starts a fixed offset in [0, jitterSeconds) after its slot, the same for every run of this job'),
}).strict();
export type ScheduleInput = z.infer<typeof ScheduleInput>;

export const Schedule = z.object({
  id: z.string(),
  jobId: z.string(),
  cron: z.string(),
  timeZone: z.string(),
  catchUp: z.enum(['latest', 'none']),
  overlap: z.enum(['skip', 'queue', 'allow']),
  jitterSeconds: z.number().int(),
  /** This job's fixed start offset after each slot, in ms. */
  jitterOffsetMs: z.number().int(),
  paused: z.boolean(),
  /** The next five start times (ms since the epoch, slot plus offset); empty while paused. */
  nextRuns: z.array(z.number().int()),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Schedule = z.infer<typeof Schedule>;
