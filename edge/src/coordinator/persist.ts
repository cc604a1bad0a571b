/** What a finished run leaves behind: results and the event log in R2, the runs row, and its change feed (change-feed.ts). */
import type { FillRates, RunCounts, RunWarning } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { resultsKey, logsKey } from '../lib/storage-keys.ts';
import { R2LineWriter } from '../lib/r2-writer.ts';
import type { RunMeta, RunStore } from './store.ts';
import type { RunShape } from './baseline.ts';
import { announceFeed, buildChangeFeed } from './change-feed.ts';

export async function persistRun(env: Env, meta: RunMeta, counts: RunCounts, warnings: RunWarning[], store: RunStore): Promise<void> {
  // Detail fields follow the listing's, so CSV columns are stable whether or not a detail page answered.
  const fields = [...Object.keys(meta.spec.fields), ...Object.keys(meta.spec.detail?.fields ?? {})];
  const results = new R2LineWriter(env.BUCKET, resultsKey(meta.runId), {
    httpMetadata: { contentType: 'application/x-ndjson' },
    customMetadata: { orgId: meta.orgId, jobId: meta.jobId, fields: JSON.stringify(fields) },
  });
  for (const page of store.itemPages()) for (const it of page) await results.write(it.data);
  await results.close();

  const logs = new R2LineWriter(env.BUCKET, logsKey(meta.runId), {
    httpMetadata: { contentType: 'application/x-ndjson' }, customMetadata: { orgId: meta.orgId },
  });
  for (let after = 0; ;) {
    const events = store.eventsAfter(after, 1000);
    if (events.length === 0) break;
    for (const e of events) await logs.write(JSON.stringify(e));
    after = events[events.length - 1]!.seq;
  }
  await logs.close();

  // The change feed and drift guard (ADR 0045); a cancelled run saw too little to compare.
  const feed = meta.status !== 'cancelled' ? await buildChangeFeed(env, meta, store) : null;
  await env.DB.prepare('UPDATE runs SET status = ?, counts = ?, error = ?, changes = ?, warnings = ?, fill_rates = ?, suspect = ?, field_stats = ?, started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ? AND org_id = ?')
    .bind(meta.status, JSON.stringify(counts), meta.error ? JSON.stringify(meta.error) : null, feed?.changes ? JSON.stringify(feed.changes) : null, JSON.stringify(warnings), meta.fillRates ? JSON.stringify(meta.fillRates) : null,
      feed?.suspect ? JSON.stringify(feed.suspect) : null, feed ? JSON.stringify(feed.fieldStats) : null, meta.startedAt, meta.finishedAt, meta.runId, meta.orgId)
    .run();
  if (feed) await announceFeed(env, meta, feed);
}

/** The job's latest successful run before this one: what FEWER_ITEMS and FILL_RATE_DROP compare against (ADR 0028). */
export async function previousRunShape(env: Env, meta: RunMeta): Promise<RunShape | null> {
  const row = await env.DB.prepare("SELECT counts, fill_rates FROM runs WHERE job_id = ? AND org_id = ? AND status = 'succeeded' AND id != ? ORDER BY created_at DESC LIMIT 1")
    .bind(meta.jobId, meta.orgId, meta.runId).first<{ counts: string; fill_rates: string | null }>();
  if (!row) return null;
  const counts = JSON.parse(row.counts) as Partial<RunCounts>;
  return { items: counts.items ?? 0, fillRates: row.fill_rates ? (JSON.parse(row.fill_rates) as FillRates) : {} };
}

/** The job's last listing preview (ADR 0031): items on its one page and fill rates, or null. */
export async function previewShape(env: Env, meta: RunMeta): Promise<RunShape | null> {
  const row = await env.DB.prepare('SELECT items, fill_rates FROM job_previews WHERE job_id = ? AND org_id = ?')
    .bind(meta.jobId, meta.orgId).first<{ items: number; fill_rates: string }>();
  return row ? { items: Number(row.items), fillRates: JSON.parse(row.fill_rates) as FillRates } : null;
}
