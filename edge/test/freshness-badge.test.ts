import { describe, expect, it } from 'vitest';
import { freshnessAction, freshnessOf, successRate } from '../src/services/freshness/decide.ts';
import { badgeValue, renderBadge } from '../src/services/status/badge.ts';
import type { JobStatus } from '../src/services/status/job-status.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const target = (over: Partial<{ maxAgeMinutes: number; createdAt: number; missedAt: number | null }> = {}) => ({ maxAgeMinutes: 360, createdAt: T0, missedAt: null, ...over });

describe('freshness (ADR 0047)', () => {
  it('is fresh until the data is older than the target, counted from the data or, with none yet, from the target', () => {
    const data = T0 + 10 * MIN;
    expect(freshnessOf(target(), data, data + 360 * MIN - 1)).toEqual({ maxAgeMinutes: 360, dataAt: data, fresh: true, dueAt: data + 360 * MIN, missedAt: null });
    expect(freshnessOf(target(), data, data + 360 * MIN).fresh).toBe(false);
    expect(freshnessOf(target(), null, T0 + 359 * MIN)).toMatchObject({ fresh: true, dueAt: T0 + 360 * MIN, dataAt: null });
    expect(freshnessOf(target(), null, T0 + 360 * MIN).fresh).toBe(false);
  });

  it('notifies once per miss: a second tick in the same miss does nothing; fresh data clears; the next miss notifies again', () => {
    const data = T0;
    const late = T0 + 361 * MIN;
    expect(freshnessAction(target(), data, late).kind).toBe('notify');
    expect(freshnessAction(target({ missedAt: late }), data, late + MIN)).toEqual({ kind: 'none' });
    const newData = late + 5 * MIN;
    expect(freshnessAction(target({ missedAt: late }), newData, newData + MIN)).toEqual({ kind: 'clear' });
    expect(freshnessAction(target(), newData, newData + MIN)).toEqual({ kind: 'none' });
    expect(freshnessAction(target(), newData, newData + 360 * MIN).kind).toBe('notify');
  });

  it('rates success over ended runs, leaving out cancelled and unfinished ones', () => {
    expect(successRate([])).toBeNull();
    expect(successRate(['cancelled', 'running', 'queued'])).toBeNull();
    expect(successRate(['succeeded', 'failed', 'succeeded', 'cancelled'])).toBe(67);
    expect(successRate(['partial', 'succeeded'])).toBe(50);
  });
});

describe('the SVG badge', () => {
  const status = (over: Partial<JobStatus> = {}): JobStatus => ({
    jobId: 'job_1', name: 'Prices <EU> & "more"', successRate: 100, freshness: null,
    lastRun: { status: 'succeeded', createdAt: T0, finishedAt: T0 + MIN, items: 3 }, ...over,
  });

  it('names the job and status, escaped, and says stale when the data misses its target', () => {
    const svg = renderBadge(status());
    expect(svg).toContain('aria-label="Prices &#60;EU&#62; &#38; &#34;more&#34;: succeeded"');
    expect(svg).not.toContain('<EU>');
    expect(svg).toContain('fill="#1f7a4d"');
    const stale = status({ freshness: { maxAgeMinutes: 60, dataAt: T0, fresh: false, dueAt: T0 + 60 * MIN, missedAt: null } });
    expect(badgeValue(stale)).toBe('succeeded, stale');
    expect(renderBadge(stale)).toContain('fill="#b42318"');
    expect(badgeValue(status({ lastRun: null }))).toBe('never run');
  });

  it('is the same bytes for the same status (its ETag holds) and cuts long names', () => {
    expect(renderBadge(status())).toBe(renderBadge(status()));
    expect(renderBadge(status({ name: 'x'.repeat(60) }))).toContain(`>${'x'.repeat(39)}…<`);
  });
});
