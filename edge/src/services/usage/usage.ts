import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { artifacts, browserSessions, runs, taskAttempts } from '@trawl/db';
import { configOf } from '../../env.ts';
import { logsKey, resultsKey } from '../../lib/storage-keys.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { artifactUsage } from './artifact-usage.ts';
import { addFigures, emptyFigures, estimateCost, type UsageFigures } from './cost.ts';

export interface UsageQuery { from: number; to: number; jobId?: string | undefined }

/** Runs whose result and log objects are measured per request (R2 heads); past it `bytesPartial` says so. */
const MEASURED_RUNS = 500;

/**
 * The organization's usage over [from, to) and per job (ADR 0047): runs created, pages fetched (succeeded and failed),
 * browser-seconds (task attempts ended in the window, plus remote browser sessions started in it, which belong to no
 * job), bytes stored now for those runs (results and logs in R2, artifacts), and the cost at the operator's prices.
 */
export async function usageReport(ctx: ActorContext, q: UsageQuery) {
  authorize(ctx, 'runs:read');
  const org = ctx.actor.orgId;
  const runRows = await ctx.db.select({ id: runs.id, jobId: runs.jobId, counts: runs.counts, expiredAt: runs.expiredAt }).from(runs)
    .where(and(eq(runs.orgId, org), gte(runs.createdAt, q.from), lt(runs.createdAt, q.to), q.jobId ? eq(runs.jobId, q.jobId) : undefined));
  const attempts = await ctx.db.select({ jobId: taskAttempts.jobId, ms: sql<number>`sum(${taskAttempts.durationMs})` }).from(taskAttempts)
    .where(and(eq(taskAttempts.orgId, org), gte(taskAttempts.finishedAt, q.from), lt(taskAttempts.finishedAt, q.to), q.jobId ? eq(taskAttempts.jobId, q.jobId) : undefined))
    .groupBy(taskAttempts.jobId);
  const ids = runRows.map((r) => r.id);
  const arts = ids.length === 0 ? [] : await ctx.db.select({ runId: artifacts.runId, bytes: sql<number>`sum(${artifacts.bytes})` }).from(artifacts)
    .where(and(eq(artifacts.orgId, org), inArray(artifacts.runId, ids.slice(0, MEASURED_RUNS)))).groupBy(artifacts.runId);
  const measured = runRows.filter((r) => r.expiredAt === null).slice(0, MEASURED_RUNS);
  const objectBytes = new Map(await Promise.all(measured.map(async (r) => {
    const heads = await Promise.all([ctx.env.BUCKET.head(resultsKey(r.id)), ctx.env.BUCKET.head(logsKey(r.id))]);
    return [r.id, heads.reduce((n, h) => n + (h?.customMetadata?.orgId === org ? h.size : 0), 0)] as const;
  })));
  const artBytes = new Map(arts.map((a) => [a.runId, Number(a.bytes)]));

  const byJob = new Map<string, UsageFigures>();
  const add = (jobId: string, f: Partial<UsageFigures>) => byJob.set(jobId, addFigures(byJob.get(jobId) ?? emptyFigures(), f));
  for (const r of runRows) {
    add(r.jobId, { runs: 1, pages: r.counts.pagesSucceeded + r.counts.pagesFailed, bytesStored: (objectBytes.get(r.id) ?? 0) + (artBytes.get(r.id) ?? 0) });
  }
  for (const a of attempts) add(a.jobId, { browserSeconds: Number(a.ms) / 1000 });
  const [sessions] = q.jobId ? [{ ms: 0 }] : await ctx.db.select({ ms: sql<number>`coalesce(sum(${browserSessions.browserMs}), 0)` }).from(browserSessions)
    .where(and(eq(browserSessions.orgId, org), gte(browserSessions.startedAt, q.from), lt(browserSessions.startedAt, q.to)));
  const sessionSeconds = Number(sessions?.ms ?? 0) / 1000;
  const prices = configOf(ctx.env).prices;
  const total = [...byJob.values()].reduce(addFigures, { ...emptyFigures(), browserSeconds: sessionSeconds });
  const saved = await artifactUsage(ctx, org, q, prices.perGbMonth);
  for (const jobId of saved.jobIds) add(jobId, {});
  return {
    from: q.from, to: q.to, orgId: org, prices,
    usage: total, browserSessionSeconds: sessionSeconds, cost: estimateCost(total, prices), bytesPartial: runRows.length > MEASURED_RUNS,
    ...saved.org,
    jobs: [...byJob].sort(([a], [b]) => a.localeCompare(b)).map(([jobId, f]) => ({ jobId, usage: f, cost: estimateCost(f, prices), ...saved.job(jobId) })),
  };
}
