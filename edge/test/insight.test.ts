import { describe, expect, it } from 'vitest';
import { bucketize, type InsightAttempt, type InsightRun } from '../src/services/stats/insight.ts';

const H = 3_600_000;
const T0 = 1_700_000_000_000;
const run = (createdAt: number, status: InsightRun['status'], items: number, durationMs: number): InsightRun =>
  ({ createdAt, status, items, startedAt: createdAt + 10, finishedAt: createdAt + 10 + durationMs });
const failed = (finishedAt: number, code: string): InsightAttempt => ({ finishedAt, outcome: 'failed', code });

describe('insight buckets', () => {
  it('puts each run in the bucket of its creation and each failed attempt in the bucket it finished in', () => {
    const rows = [run(T0, 'succeeded', 10, 1000), run(T0 + H - 1, 'failed', 0, 3000), run(T0 + 2 * H, 'succeeded', 7, 500), run(T0 + 2 * H + 5, 'partial', 3, 2500)];
    const attempts = [failed(T0 + 5, 'HTTP_4XX'), failed(T0 + 6, 'HTTP_4XX'), failed(T0 + 2 * H + 1, 'SELECTOR_TIMEOUT'), failed(T0 + 3 * H - 1, 'HTTP_4XX')];
    const series = bucketize(T0, T0 + 3 * H, H, rows, attempts);
    expect(series.map((p) => [p.from, p.to])).toEqual([[T0, T0 + H], [T0 + H, T0 + 2 * H], [T0 + 2 * H, T0 + 3 * H]]);
    expect(series[0]).toEqual({
      from: T0, to: T0 + H, runs: { finished: 2, succeeded: 1, successRate: 0.5 },
      runDurationMs: { count: 2, mean: 2000, p95: 3000 }, failureCauses: { HTTP_4XX: 2 }, itemsPerRun: { total: 10, mean: 5 },
    });
    expect(series[1]).toEqual({
      from: T0 + H, to: T0 + 2 * H, runs: { finished: 0, succeeded: 0, successRate: null },
      runDurationMs: { count: 0, mean: null, p95: null }, failureCauses: {}, itemsPerRun: { total: 0, mean: null },
    });
    expect(series[2]).toEqual({
      from: T0 + 2 * H, to: T0 + 3 * H, runs: { finished: 2, succeeded: 1, successRate: 0.5 },
      runDurationMs: { count: 2, mean: 1500, p95: 2500 }, failureCauses: { SELECTOR_TIMEOUT: 1, HTTP_4XX: 1 }, itemsPerRun: { total: 10, mean: 5 },
    });
  });

  it('ends the last bucket at `to` and ignores runs still going', () => {
    const series = bucketize(T0, T0 + 90 * 60_000, H, [run(T0 + 70 * 60_000, 'running', 4, 0), run(T0 + 80 * 60_000, 'cancelled', 2, 100)], []);
    expect(series.map((p) => p.to)).toEqual([T0 + H, T0 + 90 * 60_000]);
    expect(series[1]?.runs).toEqual({ finished: 1, succeeded: 0, successRate: 0 });
    expect(series[1]?.itemsPerRun).toEqual({ total: 2, mean: 2 });
  });
});
