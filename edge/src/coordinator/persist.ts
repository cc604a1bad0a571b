/** What a finished run leaves behind: results and the event log in R2, the runs row and the job's item index in D1. */
import type { FillRates, RunCounts, RunWarning } from '@trawl/schemas';
import { sha256Hex } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { resultsKey, logsKey } from '../lib/storage-keys.ts';
import { R2LineWriter } from '../lib/r2-writer.ts';
import type { RunMeta, RunStore } from './store.ts';
import type { RunShape } from './baseline.ts';

export async function persistRun(env: Env, meta: RunMeta, counts: RunCounts, warnings: RunWarning[], store: RunStore): Promise<void> {
  // Detail fields follow the listing's, so CSV columns are stable whether or not a detail page answered.
  const fields = [...Object.keys(meta.spec.fields), ...Object.keys(meta.spec.detail?.fields ?? {})];
  const results = new R2LineWriter(env.BUCKET, resultsKey(meta.runId), {
    httpMetadata: { contentType: 'application/x-ndjson' },
    customMetadata: { orgId: meta.orgId, jobId: meta.jobId, fields: JSON.stringify(fields) },
  });
  const hashes: Array<{ key: string; hash: string }> = [];
  for (const page of store.itemPages()) {
    for (const it of page) {
      await results.write(it.data);
      hashes.push({ key: it.key, hash: await sha256Hex(it.data) });
    }
  }
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

  const changes = meta.spec.dedupeKey && meta.status !== 'cancelled'
    ? await updateItemIndex(env.DB, meta, hashes)
    : null;
  await env.DB.prepare('UPDATE runs SET status = ?, counts = ?, error = ?, changes = ?, warnings = ?, fill_rates = ?, started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ? AND org_id = ?')
    .bind(meta.status, JSON.stringify(counts), meta.error ? JSON.stringify(meta.error) : null, changes ? JSON.stringify(changes) : null, JSON.stringify(warnings), meta.fillRates ? JSON.stringify(meta.fillRates) : null,
      meta.startedAt, meta.finishedAt, meta.runId, meta.orgId)
    .run();
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

/**
 * Change detection by dedupe key: new keys are added, a different hash is a change, keys the job had
 * before but this run did not see are removed. Written in one batch (D1's atomic unit).
 */
async function updateItemIndex(db: D1Database, meta: RunMeta, items: Array<{ key: string; hash: string }>) {
  const before = new Map<string, string>();
  const { results } = await db.prepare('SELECT key, hash FROM items_index WHERE job_id = ? AND org_id = ?').bind(meta.jobId, meta.orgId).all<{ key: string; hash: string }>();
  for (const r of results) before.set(r.key, r.hash);
  let added = 0;
  let changed = 0;
  const now = Date.now();
  const stmts: D1PreparedStatement[] = [];
  const upsert = db.prepare(`INSERT INTO items_index (org_id, job_id, key, hash, first_seen_run_id, last_seen_run_id, last_changed_run_id, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, ?6)
    ON CONFLICT (job_id, key) DO UPDATE SET last_seen_run_id = ?5, updated_at = ?6,
      last_changed_run_id = CASE WHEN items_index.hash = ?4 THEN items_index.last_changed_run_id ELSE ?5 END, hash = ?4`);
  for (const it of items) {
    const prev = before.get(it.key);
    if (prev === undefined) added++;
    else if (prev !== it.hash) changed++;
    before.delete(it.key);
    stmts.push(upsert.bind(meta.orgId, meta.jobId, it.key, it.hash, meta.runId, now));
  }
  const removed = before.size;
  for (let i = 0; i < stmts.length; i += 500) await db.batch(stmts.slice(i, i + 500));
  return { added, changed, removed };
}
