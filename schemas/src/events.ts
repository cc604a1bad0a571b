import { z } from 'zod';

export const RUN_EVENT_TYPES = [
  'run.queued', 'run.started', 'run.finished', 'run.warning',
  'task.queued', 'task.started', 'task.succeeded', 'task.failed', 'task.retrying', 'task.released', 'task.waiting',
  'page.navigated', 'page.render', 'page.waited', 'page.step', 'items.extracted', 'log',
] as const;
export const RunEventType = z.enum(RUN_EVENT_TYPES);

/** An event as the fleet reports it (the coordinator assigns seq). */
export const RunEventInput = z.object({
  type: RunEventType,
  level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  message: z.string().max(2000),
  ts: z.number().int().optional(),
  taskId: z.string().optional(),
  url: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type RunEventInput = z.input<typeof RunEventInput>;

/** A run event as stored and streamed: `seq` is monotonic per run, so clients resume from a cursor. */
export const RunEvent = RunEventInput.extend({ seq: z.number().int(), ts: z.number().int() });
export type RunEvent = z.infer<typeof RunEvent>;

export const EventBatch = z.object({
  leaseToken: z.string(),
  events: z.array(RunEventInput).min(1).max(500),
});
