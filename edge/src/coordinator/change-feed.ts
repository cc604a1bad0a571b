/**
 * What a finished run adds to its job's change feed and drift guard (ADR 0045): its snapshot (items by key and page),
 * the change lines against the previous complete, successful run, each item's history rows, the run's field stats
 * and, when a field broke against recent good runs, the suspect mark. The decisions are item-diff.ts's and drift.ts's.
 */
import type { RunChanges, RunFieldStats, RunSuspect } from '@trawl/schemas';
import { dedupeKeyOf } from '@trawl/engine/keys';
import type { Env } from '../env.ts';
import { changesKey, snapshotKey } from '../lib/storage-keys.ts';
import { R2LineWriter } from '../lib/r2-writer.ts';
import { emitNotification } from '../notify/emit.ts';
import type { RunMeta, RunStore } from './store.ts';
import { comparedFields, diffItems, type SnapshotItem } from './item-diff.ts';
import { DRIFT_BASELINE_RUNS, driftFindings, fieldStatsOf } from './drift.ts';
import { baselineRunIds, insertItemHistory, recentGoodStats } from './run-rows.ts';

export interface FeedOutcome { changes: RunChanges | null; suspect: RunSuspect | null; fieldStats: RunFieldStats }

const JSONL = { httpMetadata: { contentType: 'application/x-ndjson' } };

export async function buildChangeFeed(env: Env, meta: RunMeta, store: RunStore): Promise<FeedOutcome> {
  const items: SnapshotItem[] = [];
  for (const page of store.itemPages()) {
    for (const it of page) {
      const d = JSON.parse(it.data) as SnapshotItem['d'];
      items.push({ k: dedupeKeyOf(d, meta.spec.dedupeKey) ?? '', p: it.url, d });
    }
  }
  const fieldStats = fieldStatsOf(meta.spec, items.map((i) => i.d));
  const findings = driftFindings(fieldStats, await recentGoodStats(env, meta, DRIFT_BASELINE_RUNS));
  const suspect = findings.length ? { findings, acceptedAt: null, acceptedBy: null } : null;
  if (!meta.spec.dedupeKey?.length) return { changes: null, suspect, fieldStats };

  const keyed = items.filter((i) => i.k !== '');
  const snapshot = new R2LineWriter(env.BUCKET, snapshotKey(meta.runId), { ...JSONL, customMetadata: { orgId: meta.orgId } });
  for (const it of keyed) await snapshot.write(JSON.stringify(it));
  await snapshot.close();

  const baseline = await baselineSnapshot(env, meta);
  const { lines, summary } = diffItems(baseline?.items ?? null, keyed, comparedFields(meta.spec), store.pageOutcomes(), baseline?.runId);
  const feed = new R2LineWriter(env.BUCKET, changesKey(meta.runId), { ...JSONL, customMetadata: { orgId: meta.orgId } });
  for (const l of lines) await feed.write(JSON.stringify(l));
  await feed.close();
  await insertItemHistory(env, meta, lines, meta.finishedAt ?? Date.now());
  return { changes: summary, suspect, fieldStats };
}

/** After the run's row is written: drift.detected for a suspect run; changes.found otherwise, when it has changes. */
export async function announceFeed(env: Env, meta: Pick<RunMeta, 'orgId' | 'jobId' | 'runId'>, outcome: FeedOutcome): Promise<void> {
  const base = { orgId: meta.orgId, jobId: meta.jobId, runId: meta.runId };
  if (outcome.suspect) {
    await emitNotification(env, { ...base, event: 'drift.detected', data: { findings: outcome.suspect.findings } });
    return;
  }
  await announceChanges(env, base, outcome.changes);
}

/** changes.found with the counts, for a run compared against an earlier one that found any (also on acceptance). */
export async function announceChanges(env: Env, base: { orgId: string; jobId: string; runId: string }, changes: RunChanges | null): Promise<void> {
  if (!changes?.baselineRunId || changes.added + changes.changed + changes.removed === 0) return;
  await emitNotification(env, { ...base, event: 'changes.found', data: { added: changes.added, changed: changes.changed, removed: changes.removed } });
}

/** The job's previous complete (no page failed), successful, not held run with a snapshot, as a map by key. */
async function baselineSnapshot(env: Env, meta: RunMeta): Promise<{ runId: string; items: Map<string, SnapshotItem> } | null> {
  for (const id of await baselineRunIds(env, meta)) {
    const object = await env.BUCKET.get(snapshotKey(id));
    if (!object) continue;
    const items = new Map<string, SnapshotItem>();
    for (const line of (await object.text()).split('\n')) {
      if (!line) continue;
      const it = JSON.parse(line) as SnapshotItem;
      items.set(it.k, it);
    }
    return { runId: id, items };
  }
  return null;
}
