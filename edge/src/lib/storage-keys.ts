/** R2 object keys, named in one place. */
export const resultsKey = (runId: string) => `results/${runId}.jsonl`;
export const logsKey = (runId: string) => `logs/${runId}.jsonl`;
/** A run's items by dedupe key and page (what the next run's change feed compares with), and its change feed (ADR 0045). */
export const snapshotKey = (runId: string) => `snapshots/${runId}.jsonl`;
export const changesKey = (runId: string) => `changes/${runId}.jsonl`;
/** Artifacts by kind, then run, then task (the layout), with the attempt so retries keep their own files. */
export const artifactKey = (kind: 'trace' | 'har' | 'screenshot', runId: string, taskId: string, attempt: number, name: string) =>
  kind === 'trace' ? `traces/${runId}/${taskId}/${attempt}/trace.zip`
    : kind === 'har' ? `har/${runId}/${taskId}/${attempt}/network.har.gz`
      : `screenshots/${runId}/${taskId}/${attempt}/${name}`;
