/**
 * The coordinator's reads and writes of D1 (issue #15 §6: one path to the database, drizzle, as the services use).
 * The WHERE guards are what make the writes idempotent: the coordinator retries them until they succeed.
 */
import { and, desc, eq, isNotNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import { itemHistory, jobPreviews, runs } from '@trawl/db';
import type { ChangeLine, FillRates, RunCounts, RunFieldStats, RunWarning } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { createDb } from '../services/context.ts';
import type { RunMeta } from './store.ts';
import type { RunShape } from './baseline.ts';
import type { FeedOutcome } from './change-feed.ts';

/** queued → running once; a run already past queued (cancelled, finished) keeps its status. */
export async function markRunRunning(env: Env, meta: Pick<RunMeta, 'runId' | 'startedAt'>): Promise<void> {
  await createDb(env).update(runs).set({ status: 'running', startedAt: meta.startedAt })
    .where(and(eq(runs.id, meta.runId), eq(runs.status, 'queued'))).run();
}

/** The run's final row. Explicit nulls: drizzle leaves an undefined column out of the UPDATE. */
export async function writeRunRow(env: Env, meta: RunMeta, counts: RunCounts, warnings: RunWarning[], feed: FeedOutcome | null): Promise<void> {
  await createDb(env).update(runs).set({
    status: meta.status, counts, error: meta.error ?? null, changes: feed?.changes ?? null, warnings, fillRates: meta.fillRates ?? null,
    suspect: feed?.suspect ?? null, fieldStats: feed ? feed.fieldStats : null,
    startedAt: sql`COALESCE(${runs.startedAt}, ${meta.startedAt ?? null})`, finishedAt: meta.finishedAt,
  }).where(and(eq(runs.id, meta.runId), eq(runs.orgId, meta.orgId))).run();
}

/** The job's latest successful run before this one: what FEWER_ITEMS and FILL_RATE_DROP compare against (ADR 0028). */
export async function previousRunShape(env: Env, meta: RunMeta): Promise<RunShape | null> {
  const [row] = await createDb(env).select({ counts: runs.counts, fillRates: runs.fillRates }).from(runs)
    .where(and(eq(runs.jobId, meta.jobId), eq(runs.orgId, meta.orgId), eq(runs.status, 'succeeded'), ne(runs.id, meta.runId)))
    .orderBy(desc(runs.createdAt)).limit(1);
  if (!row) return null;
  return { items: (row.counts as Partial<RunCounts>).items ?? 0, fillRates: row.fillRates ?? {} };
}

/** The job's last listing preview (ADR 0031): items on its one page and fill rates, or null. */
export async function previewShape(env: Env, meta: RunMeta): Promise<RunShape | null> {
  const [row] = await createDb(env).select({ items: jobPreviews.items, fillRates: jobPreviews.fillRates }).from(jobPreviews)
    .where(and(eq(jobPreviews.jobId, meta.jobId), eq(jobPreviews.orgId, meta.orgId))).limit(1);
  return row ? { items: Number(row.items), fillRates: row.fillRates as FillRates } : null;
}

/** A run suspect and not accepted is no good baseline: its broken values would read as changes, or hide a break. */
const good = (): SQL => sql`${runs.status} = 'succeeded' AND (${runs.suspect} IS NULL OR json_extract(${runs.suspect}, '$.acceptedAt') IS NOT NULL)`;

/** Earlier runs of the same job, not this one. */
const earlier = (meta: RunMeta) => and(eq(runs.jobId, meta.jobId), eq(runs.orgId, meta.orgId), ne(runs.id, meta.runId), lt(runs.createdAt, meta.createdAt));

/** Field stats of the job's most recent good runs: the drift guard's baseline. */
export async function recentGoodStats(env: Env, meta: RunMeta, limit: number): Promise<RunFieldStats[]> {
  const rows = await createDb(env).select({ fieldStats: runs.fieldStats }).from(runs)
    .where(and(earlier(meta), isNotNull(runs.fieldStats), good())).orderBy(desc(runs.createdAt)).limit(limit);
  return rows.map((r) => r.fieldStats as RunFieldStats);
}

/** Ids of the job's previous complete (no page failed), good runs, newest first: candidates for the change baseline. */
export async function baselineRunIds(env: Env, meta: RunMeta): Promise<string[]> {
  const rows = await createDb(env).select({ id: runs.id }).from(runs)
    .where(and(earlier(meta), good(), sql`json_extract(${runs.counts}, '$.pagesFailed') = 0`)).orderBy(desc(runs.createdAt)).limit(5);
  return rows.map((r) => r.id);
}

/** Each change line as an item_history row. DO NOTHING on the (run, key) key: persisting is retried until it succeeds, and a retry writes the same rows again. */
export async function insertItemHistory(env: Env, meta: RunMeta, lines: ChangeLine[], now: number): Promise<void> {
  const db = createDb(env);
  // One row per statement: D1 caps bound parameters per statement; a batch runs them in one round trip.
  const stmts = lines.map((l) => db.insert(itemHistory).values({
    orgId: meta.orgId, jobId: meta.jobId, runId: meta.runId, key: l.key, change: l.change, fields: l.fields,
    before: l.before ?? null, after: l.after ?? null, createdAt: now,
  }).onConflictDoNothing());
  for (let i = 0; i < stmts.length; i += 500) {
    const [first, ...rest] = stmts.slice(i, i + 500);
    if (first) await db.batch([first, ...rest]);
  }
}
