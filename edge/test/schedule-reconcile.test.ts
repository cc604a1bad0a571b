import { describe, expect, it } from 'vitest';
import { parseCron } from '../src/services/schedules/cron.ts';
import { GRACE_MS, jitterOffsetMs, reconcile, type ScheduleState } from '../src/services/schedules/reconcile.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const state = (over: Partial<ScheduleState> & { expr?: string; zone?: string }): ScheduleState => ({
  id: 'sch_test', cron: parseCron(over.expr ?? '*/5 * * * *', over.zone ?? 'UTC'), catchUp: 'latest', overlap: 'allow',
  jitterSeconds: 0, cursor: at('2026-06-01T10:00:00Z'), queuedSlot: null, ...over,
});

/** Drives reconcile over a list of tick times, like the Cron Trigger would, keeping what D1 keeps (cursor, claimed slots). */
function drive(s: ScheduleState, ticks: number[], jobActiveAt: (t: number) => boolean = () => false) {
  const claimed = new Map<number, string>();
  let cur = { ...s };
  for (const now of ticks) {
    const { decisions, cursor } = reconcile(cur, now, jobActiveAt(now));
    let queuedSlot = cur.queuedSlot;
    for (const d of decisions) {
      const prev = claimed.get(d.slot);
      if (prev === 'queue' && d.action === 'start') { claimed.set(d.slot, 'start'); queuedSlot = null; continue; }
      if (prev) continue; // the unique (schedule, slot) row: a second claim does nothing
      claimed.set(d.slot, d.action === 'skip' ? `skip:${d.reason}` : d.action);
      if (d.action === 'queue') queuedSlot = d.slot;
    }
    cur = { ...cur, cursor, queuedSlot };
  }
  return Object.fromEntries([...claimed].map(([slot, a]) => [new Date(slot).toISOString().slice(11, 16), a]));
}

describe('schedule reconcile (fake clock)', () => {
  it('starts each slot once on ticks that come every minute', () => {
    const ticks = Array.from({ length: 11 }, (_, i) => at('2026-06-01T10:00:30Z') + i * MIN);
    expect(drive(state({}), ticks)).toEqual({ '10:05': 'start', '10:10': 'start' });
  });

  it('a doubled tick (same minute twice, or a tick replayed) starts nothing twice', () => {
    const t = at('2026-06-01T10:05:10Z');
    expect(drive(state({}), [t, t, t + 5_000])).toEqual({ '10:05': 'start' });
    // The same tick against a cursor that was never advanced (a crash between claim and cursor write) decides the
    // same slot again, which the claim turns away.
    const s = state({});
    expect(reconcile(s, t, false).decisions).toEqual(reconcile(s, t, false).decisions);
  });

  it('a late tick and a missed tick within the grace still start every slot', () => {
    expect(drive(state({}), [at('2026-06-01T10:09:00Z')])).toEqual({ '10:05': 'start' });
    // Ticks at 10:04 and then not until 10:10: 10:05 and 10:10 are both within the grace.
    expect(drive(state({}), [at('2026-06-01T10:04:00Z'), at('2026-06-01T10:10:00Z')])).toEqual({ '10:05': 'start', '10:10': 'start' });
  });

  it('catch-up "latest" runs only the latest slot missed beyond the grace; "none" runs none', () => {
    const hourly = { expr: '0 * * * *' };
    const outage = at('2026-06-01T13:00:00Z') + GRACE_MS + 1; // slots 11:00, 12:00, 13:00 all older than the grace
    const missed = { '11:00': 'skip:missed', '12:00': 'skip:missed' };
    expect(drive(state({ ...hourly, catchUp: 'latest' }), [outage])).toEqual({ ...missed, '13:00': 'start' });
    expect(drive(state({ ...hourly, catchUp: 'none' }), [outage])).toEqual({ ...missed, '13:00': 'skip:missed' });
  });

  it('catch-up "latest" does not add a missed slot when an on-time slot starts in the same tick', () => {
    // Slots 10:05 (missed by 6 min) and 10:10 (on time) at 10:11.
    expect(drive(state({ catchUp: 'latest' }), [at('2026-06-01T10:11:00Z') + MIN])).toEqual({ '10:05': 'skip:missed', '10:10': 'start' });
  });

  it('overlap: skip, queue (one waits, starts when the run ends) and allow', () => {
    const ticks = [at('2026-06-01T10:05:30Z'), at('2026-06-01T10:10:30Z'), at('2026-06-01T10:15:30Z'), at('2026-06-01T10:16:30Z')];
    const busyUntil1016 = (t: number) => t < at('2026-06-01T10:16:00Z');
    expect(drive(state({ overlap: 'skip' }), ticks, busyUntil1016)).toEqual({ '10:05': 'skip:overlap', '10:10': 'skip:overlap', '10:15': 'skip:overlap' });
    expect(drive(state({ overlap: 'queue' }), ticks, busyUntil1016)).toEqual({ '10:05': 'start', '10:10': 'skip:overlap', '10:15': 'skip:overlap' });
    expect(drive(state({ overlap: 'allow' }), ticks, busyUntil1016)).toEqual({ '10:05': 'start', '10:10': 'start', '10:15': 'start' });
  });

  it('overlap queue holds one slot while the job runs and starts it on the first tick after', () => {
    const s = state({ overlap: 'queue' });
    const first = reconcile(s, at('2026-06-01T10:05:30Z'), true);
    expect(first.decisions).toEqual([{ slot: at('2026-06-01T10:05:00Z'), action: 'queue' }]);
    const second = reconcile({ ...s, cursor: first.cursor, queuedSlot: at('2026-06-01T10:05:00Z') }, at('2026-06-01T10:06:30Z'), false);
    expect(second.decisions).toEqual([{ slot: at('2026-06-01T10:05:00Z'), action: 'start' }]);
    const busy = reconcile({ ...s, cursor: first.cursor, queuedSlot: at('2026-06-01T10:05:00Z') }, at('2026-06-01T10:10:30Z'), true);
    expect(busy.decisions).toEqual([{ slot: at('2026-06-01T10:10:00Z'), action: 'skip', reason: 'overlap' }]);
  });

  it('a zone with a DST change: one run a day, at 02:30 local or the first valid minute after it', () => {
    const s = state({ expr: '30 2 * * *', zone: 'America/New_York', cursor: at('2026-03-07T00:00:00Z') });
    const ticks = Array.from({ length: 4 * 24 * 60 }, (_, i) => at('2026-03-07T00:00:20Z') + i * MIN);
    // 2026-03-08 02:30 does not exist in New York (02:00 -> 03:00): the run is at 03:00 EDT = 07:00Z.
    expect(drive(s, ticks)).toEqual({ '07:30': 'start', '07:00': 'start', '06:30': 'start' });
    const fall = state({ expr: '30 1 * * *', zone: 'America/New_York', cursor: at('2026-10-31T12:00:00Z') });
    const fallTicks = Array.from({ length: 2 * 24 * 60 }, (_, i) => at('2026-10-31T12:00:20Z') + i * MIN);
    // 2026-11-01 01:30 happens twice (EDT then EST): it runs once, at the first (05:30Z); then 01:30 EST days (06:30Z).
    const slots = fallTicks.flatMap((t, i) => reconcile({ ...fall, cursor: i === 0 ? fall.cursor : fallTicks[i - 1]! }, t, false).decisions.map((d) => new Date(d.slot).toISOString()));
    expect(slots).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('jitter: a fixed offset per schedule, below jitterSeconds, different for different schedules', () => {
    expect(jitterOffsetMs('sch_a', 0)).toBe(0);
    expect(jitterOffsetMs('sch_a', 300)).toBe(jitterOffsetMs('sch_a', 300));
    const offsets = ['sch_a', 'sch_b', 'sch_c', 'sch_d'].map((id) => jitterOffsetMs(id, 300));
    expect(new Set(offsets).size).toBe(4);
    for (const o of offsets) expect(o >= 0 && o < 300_000).toBe(true);
    // The slot starts on the first tick at or after slot + offset, never before.
    const s = state({ id: 'sch_a', jitterSeconds: 300 });
    const slot = at('2026-06-01T10:05:00Z');
    const offset = jitterOffsetMs('sch_a', 300);
    expect(reconcile(s, slot + offset - 1, false).decisions).toEqual([]);
    expect(reconcile(s, slot + offset, false).decisions).toEqual([{ slot, action: 'start' }]);
  });

  it('refuses a bad cron or zone with INVALID_SCHEDULE naming the field', () => {
    expect(() => parseCron('61 * * * *', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE', details: { issues: [{ path: 'cron', message: expect.stringContaining('minute') }] } }));
    expect(() => parseCron('0 * * * * *', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE', details: { issues: [{ path: 'cron', message: expect.stringContaining('five fields') }] } }));
    expect(() => parseCron('0 6 * * *', 'Mars/Base')).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE', details: { issues: [{ path: 'timeZone', message: expect.stringContaining('Mars/Base') }] } }));
  });
});
