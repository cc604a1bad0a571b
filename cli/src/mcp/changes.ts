/**
 * A run's changes against the job's previous finished run, record by record: the API counts them on the run
 * (`changes`); this names them, keyed by the job's dedupeKey (or the whole record when it has none).
 */
import { runEnded, type ResultRecord, type Trawl } from '@trawl/sdk';

const MAX_LISTED = 100;

async function recordsByKey(trawl: Trawl, runId: string, keyOf: (r: ResultRecord) => string): Promise<Map<string, ResultRecord>> {
  const map = new Map<string, ResultRecord>();
  for await (const r of trawl.runs.results(runId)) map.set(keyOf(r), r);
  return map;
}

export async function diffRecords(trawl: Trawl, runId: string) {
  const run = await trawl.runs.get(runId);
  const job = await trawl.jobs.get(run.jobId);
  const dedupe = (job.spec as { dedupeKey?: string[] }).dedupeKey ?? [];
  const keyOf = (r: ResultRecord) => JSON.stringify(dedupe.length ? dedupe.map((k) => r[k]) : r);
  const runs = await trawl.runs.list({ jobId: run.jobId, limit: 100 });
  const previous = runs.data.find((r) => r.createdAt < run.createdAt && runEnded(r) && r.status !== 'failed') ?? null;
  const now = await recordsByKey(trawl, runId, keyOf);
  if (!previous) return { runId, previousRunId: null, counts: run.changes, added: [...now.values()].slice(0, MAX_LISTED), removed: [], changed: [] };
  const before = await recordsByKey(trawl, previous.id, keyOf);
  const added = [...now].filter(([k]) => !before.has(k)).map(([, r]) => r);
  const removed = [...before].filter(([k]) => !now.has(k)).map(([, r]) => r);
  const changed = [...now].filter(([k, r]) => before.has(k) && JSON.stringify(before.get(k)) !== JSON.stringify(r))
    .map(([k, r]) => ({ key: JSON.parse(k) as unknown, before: before.get(k), after: r }));
  return {
    runId, previousRunId: previous.id, counts: run.changes ?? { added: added.length, removed: removed.length, changed: changed.length },
    added: added.slice(0, MAX_LISTED), removed: removed.slice(0, MAX_LISTED), changed: changed.slice(0, MAX_LISTED),
  };
}
