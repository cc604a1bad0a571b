/** The change feed's reads and the drift guard's acceptance (ADR 0045); the feed itself is written by the coordinator. */
import { and, asc, eq } from 'drizzle-orm';
import { itemHistory, runs } from '@trawl/db';
import type { ItemHistoryEntry } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import { changesKey } from '../../lib/storage-keys.ts';
import { jsonlToCsv, jsonlToJsonArray } from '../../lib/formats.ts';
import { announceChanges } from '../../coordinator/change-feed.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import { getJobRow } from '../jobs/jobs.ts';
import { getRunRow, toRun } from './runs.ts';
import type { ResultFormat } from './results.ts';

const CONTENT_TYPES: Record<ResultFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};
const COLUMNS = ['change', 'key', 'before', 'after', 'fields'];
/** An item's history is its changes, one per run that changed it; this many, oldest first, are returned. */
export const HISTORY_LIMIT = 1000;

/** Streams a finished run's change lines from R2 in the asked format, like its results. */
export async function readChanges(ctx: ActorContext, runId: string, format: ResultFormat): Promise<Response> {
  authorize(ctx, 'results:read');
  const run = await getRunRow(ctx, runId);
  if (run.status === 'queued' || run.status === 'running') {
    throw new ApiError('RUN_NOT_FINISHED', `Run ${runId} is ${run.status}; its changes are written when it ends`);
  }
  if (!run.changes) throw new ApiError('CHANGES_UNAVAILABLE', `Run ${runId} has no change feed (${run.status === 'cancelled' ? 'it was cancelled' : 'its job has no dedupeKey, or it ended before the feed existed'})`);
  const object = await ctx.env.BUCKET.get(changesKey(runId));
  if (!object || object.customMetadata?.orgId !== ctx.actor.orgId) throw new ApiError('RUN_NOT_FINISHED', `The changes of run ${runId} are not written yet`);
  const body = format === 'jsonl' ? object.body : format === 'json' ? jsonlToJsonArray(object.body) : jsonlToCsv(object.body, COLUMNS);
  const { added, changed, removed } = run.changes;
  return new Response(body, {
    headers: {
      'content-type': CONTENT_TYPES[format], 'content-disposition': `attachment; filename="${runId}-changes.${format}"`,
      'x-trawl-changes': `added=${added}, changed=${changed}, removed=${removed}`,
    },
  });
}

/** One item's changes across the job's runs, by its dedupe key as the change feed writes it. */
export async function readItemHistory(ctx: ActorContext, jobId: string, key: string): Promise<{ data: ItemHistoryEntry[] }> {
  authorize(ctx, 'results:read');
  await getJobRow(ctx, jobId);
  const rows = await ctx.db.select().from(itemHistory)
    .where(and(eq(itemHistory.orgId, ctx.actor.orgId), eq(itemHistory.jobId, jobId), eq(itemHistory.key, key)))
    .orderBy(asc(itemHistory.createdAt), asc(itemHistory.runId)).limit(HISTORY_LIMIT);
  return { data: rows.map((r) => ({ runId: r.runId, change: r.change, fields: r.fields, before: r.before ?? null, after: r.after ?? null, createdAt: r.createdAt })) };
}

/**
 * Accepts a run the drift guard marked suspect: the values are right after all (the site changed, not the selectors).
 * Its held changes.found goes out now, and it counts as a good run for later comparisons.
 */
export async function acceptRun(ctx: ActorContext, runId: string) {
  authorize(ctx, 'runs:write');
  const row = await getRunRow(ctx, runId);
  if (!row.suspect || row.suspect.acceptedAt !== null) {
    throw new ApiError('RUN_NOT_SUSPECT', row.suspect ? `Run ${runId} was already accepted by ${row.suspect.acceptedBy ?? 'someone'}` : `Run ${runId} is not suspect: nothing to accept`);
  }
  const suspect = { ...row.suspect, acceptedAt: Date.now(), acceptedBy: ctx.actor.principal };
  await ctx.db.batch([
    ctx.db.update(runs).set({ suspect }).where(and(eq(runs.id, runId), eq(runs.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'run.accept', runId, { findings: row.suspect.findings.map((f) => `${f.field}:${f.check}`) }),
  ]);
  await announceChanges(ctx.env, { orgId: row.orgId, jobId: row.jobId, runId }, row.changes ?? null);
  return toRun({ ...row, suspect });
}
