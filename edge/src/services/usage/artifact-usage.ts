import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { artifacts, runs, taskAttempts } from '@trawl/db';
import { ARTIFACT_KINDS, type ArtifactKind } from '@trawl/schemas';
import type { ServiceContext } from '../context.ts';
import type { SkipCounts } from './sampling.ts';
import { artifactSavings, avoidedCost, meanSizes, type ArtifactSavings, type StoredKind } from './savings.ts';
import type { UsageQuery } from './usage.ts';

type Stored = Partial<Record<ArtifactKind, StoredKind>>;
const noSkips = (): SkipCounts => ({ trace: 0, har: 0, screenshot: 0 });
/** Rows stored before the size was measured count as stored as is. */
const uncompressed = sql<number>`sum(coalesce(${artifacts.uncompressedBytes}, ${artifacts.bytes}))`;

/**
 * What the artifact choices save (ADR 0055), per job and for the organization: stored artifacts of the window's runs
 * by kind (stored and uncompressed bytes), the artifacts sampling skipped in attempts ended in the window, and their
 * estimated bytes at the organization's mean uncompressed size per kind over everything it stores now.
 */
export async function artifactUsage(ctx: ServiceContext, org: string, q: UsageQuery, perGbMonth: number) {
  const storedRows = await ctx.db.select({ jobId: artifacts.jobId, kind: artifacts.kind, count: sql<number>`count(*)`, bytes: sql<number>`sum(${artifacts.bytes})`, uncompressed })
    .from(artifacts).innerJoin(runs, eq(runs.id, artifacts.runId))
    .where(and(eq(artifacts.orgId, org), eq(runs.orgId, org), gte(runs.createdAt, q.from), lt(runs.createdAt, q.to), q.jobId ? eq(runs.jobId, q.jobId) : undefined))
    .groupBy(artifacts.jobId, artifacts.kind);
  const skipRows = await ctx.db.select({
    jobId: taskAttempts.jobId, trace: sql<number>`sum(${taskAttempts.skippedTrace})`, har: sql<number>`sum(${taskAttempts.skippedHar})`, screenshot: sql<number>`sum(${taskAttempts.skippedScreenshots})`,
  }).from(taskAttempts)
    .where(and(eq(taskAttempts.orgId, org), gte(taskAttempts.finishedAt, q.from), lt(taskAttempts.finishedAt, q.to), q.jobId ? eq(taskAttempts.jobId, q.jobId) : undefined))
    .groupBy(taskAttempts.jobId);
  const meanRows = await ctx.db.select({ kind: artifacts.kind, count: sql<number>`count(*)`, bytes: sql<number>`sum(${artifacts.bytes})`, uncompressed })
    .from(artifacts).where(eq(artifacts.orgId, org)).groupBy(artifacts.kind);
  const means = meanSizes(Object.fromEntries(meanRows.map((r) => [r.kind, toStored(r)])));

  const stored = new Map<string, Stored>();
  const orgStored: Stored = {};
  for (const r of storedRows) {
    const s = toStored(r);
    stored.set(r.jobId, { ...stored.get(r.jobId), [r.kind]: s });
    orgStored[r.kind] = addStored(orgStored[r.kind], s);
  }
  const skipped = new Map<string, SkipCounts>();
  const orgSkipped = noSkips();
  for (const r of skipRows) {
    const s: SkipCounts = { trace: Number(r.trace), har: Number(r.har), screenshot: Number(r.screenshot) };
    skipped.set(r.jobId, s);
    for (const k of ARTIFACT_KINDS) orgSkipped[k] += s[k];
  }
  const scope = (st: Stored, sk: SkipCounts) => {
    const savings = artifactSavings(st, sk, means);
    return { artifacts: savings, artifactSavings: avoidedCost(savings, perGbMonth) };
  };
  return {
    org: scope(orgStored, orgSkipped),
    job: (jobId: string) => scope(stored.get(jobId) ?? {}, skipped.get(jobId) ?? noSkips()),
    jobIds: new Set([...stored.keys(), ...skipped.keys()]),
  };
}

function toStored(r: { count: number; bytes: number; uncompressed: number }): StoredKind {
  return { count: Number(r.count), bytes: Number(r.bytes), uncompressedBytes: Number(r.uncompressed) };
}

function addStored(a: StoredKind | undefined, b: StoredKind): StoredKind {
  return a ? { count: a.count + b.count, bytes: a.bytes + b.bytes, uncompressedBytes: a.uncompressedBytes + b.uncompressedBytes } : b;
}

export type ArtifactUsage = { artifacts: ArtifactSavings; artifactSavings: ReturnType<typeof avoidedCost> };
