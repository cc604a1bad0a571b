import { expect } from 'vitest';
import { api, waitForRun } from './client.ts';

export type Row = Record<string, unknown>;

export interface RunCounts {
  pagesSucceeded: number;
  pagesFailed: number;
  pagesSoftFailed: number;
  items: number;
  retries: number;
  skipped: { maxPages: number; maxItems: number; duplicate: number };
  render: { http: number; browser: number; reasons: Record<string, number> };
}

export interface FinishedRun {
  runId: string;
  /** GET /v1/runs/{id} once the run ended. */
  run: Row & { status: string; counts: RunCounts; startedAt: number; finishedAt: number; error: Row | null; warnings: Row[] };
  /** The results as downloaded (JSON lines), in the order the product stored them. */
  items: Row[];
  /** The results as downloaded, unparsed. */
  resultsText: string;
  /** The test's own clock around the run: before it was started, after it was seen ended. */
  window: { from: number; to: number };
}

/** Saves a job, runs it through the whole product (edge, coordinator, queue, fleet) and downloads its results. */
export async function runJobToEnd(key: string, name: string, spec: unknown, timeoutMs = 100_000): Promise<FinishedRun & { jobText: string }> {
  const job = await api(key, 'POST', '/v1/jobs', { name, spec });
  expect(job.status, job.text).toBe(201);
  return { ...await runSavedJob(key, String(job.body.id), timeoutMs), jobText: job.text };
}

/** Runs a saved job to its end and downloads its results. */
export async function runSavedJob(key: string, jobId: string, timeoutMs = 100_000): Promise<FinishedRun> {
  const from = Date.now();
  const started = await api(key, 'POST', `/v1/jobs/${jobId}/runs`);
  expect(started.status, started.text).toBe(201);
  const runId = String(started.body.id);
  const run = await waitForRun(key, runId, timeoutMs) as FinishedRun['run'];
  const to = Date.now();
  const results = await api(key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
  expect(results.status, results.text).toBe(200);
  const items = results.text.trim() ? results.text.trim().split('\n').map((l) => JSON.parse(l) as Row) : [];
  return { runId, run, items, resultsText: results.text, window: { from, to } };
}
