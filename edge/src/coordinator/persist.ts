/** What a finished run leaves behind: results and the event log in R2, the runs row, and its change feed (change-feed.ts). */
import type { RunCounts, RunWarning } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { resultsKey, logsKey } from '../lib/storage-keys.ts';
import { R2LineWriter } from '../lib/r2-writer.ts';
import type { RunMeta, RunStore } from './store.ts';
import { announceFeed, buildChangeFeed } from './change-feed.ts';
import { writeRunRow } from './run-rows.ts';

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
  await writeRunRow(env, meta, counts, warnings, feed);
  if (feed) await announceFeed(env, meta, feed);
}
