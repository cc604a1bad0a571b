/**
 * Several finished tasks' results of one run in one request (ADR 0061). A node posts the results that finished while
 * its previous batch for the run was on the way; the edge applies each exactly as a single result (same lease check,
 * same idempotence) and answers per entry, handing back up to one next task per entry that asked for one.
 */
import { z } from 'zod';
import { NextTask, TaskResult } from './task.ts';

/** The protocol's version: an edge refuses (400) a batch of a version it does not know. */
export const RESULT_BATCH_VERSION = 1;
/** Results in one batch at most: one request stays small, and a node has no more fast tasks of a run in flight. */
export const RESULT_BATCH_MAX = 32;

export const ResultBatch = z.object({
  v: z.literal(RESULT_BATCH_VERSION),
  results: z.array(z.object({ taskId: z.string().min(1).max(100), result: TaskResult })).min(1).max(RESULT_BATCH_MAX)
    .refine((rs) => new Set(rs.map((r) => r.taskId)).size === rs.length, { message: 'a task appears twice in the batch' }),
});
export type ResultBatch = z.infer<typeof ResultBatch>;

/** One entry's fate, in the batch's order: what the single result route answers as a status, per entry. */
export const ResultEntryAnswer = z.object({
  taskId: z.string(),
  status: z.enum(['applied', 'duplicate', 'lease-lost', 'not-found']),
  /** The task handed back for this entry's slot (the entry asked with `acceptNext`). */
  next: NextTask.optional(),
});
export type ResultEntryAnswer = z.infer<typeof ResultEntryAnswer>;

export const ResultBatchAnswer = z.object({ ok: z.literal(true), answers: z.array(ResultEntryAnswer) });
export type ResultBatchAnswer = z.infer<typeof ResultBatchAnswer>;
