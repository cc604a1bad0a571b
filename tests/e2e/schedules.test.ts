import { describe, expect, it } from 'vitest';
import { api, edgeUrl, newOrg } from './client.ts';

/**
 * Schedules (ADR 0042) through real wrangler dev: the Worker's scheduled handler is fired by wrangler's own trigger
 * endpoint with a chosen tick time, so slots can be days apart without waiting.
 */
type Run = { id: string; trigger: string; scheduleSlot: number | null };
type Err = { error: { code: string; message: string; hint: string; details: { issues: Array<{ path: string }> } } };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A daily slot three hours from the test's start, written in Asia/Seoul (UTC+9, no daylight saving): no slot lies
 * between now and the first one, whatever the time of day (a fixed 04:15 Seoul = 19:15 UTC made the test fail in
 * the hour before it, when the ticks caught today's slot up).
 */
const SLOT_HOUR_UTC = (new Date().getUTCHours() + 3) % 24;
const CRON = `15 ${(SLOT_HOUR_UTC + 9) % 24} * * *`;
function firstSlot(now: number): number {
  const d = new Date(now);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), SLOT_HOUR_UTC, 15);
  while (t < now + HOUR) t += DAY;
  return t;
}

async function tick(time: number): Promise<void> {
  const res = await fetch(`${edgeUrl()}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${time}`);
  expect([res.status, await res.text()]).toEqual([200, 'ok']);
}

async function scheduledRuns(key: string, jobId: string): Promise<Array<[string, number | null]>> {
  const res = await api<{ data: Run[] }>(key, 'GET', `/v1/runs?jobId=${jobId}&limit=50`);
  expect(res.status).toBe(200);
  return res.body.data.map((r) => [r.trigger, r.scheduleSlot] as [string, number | null]).reverse();
}

describe('job schedules', () => {
  it('refuses a bad cron or time zone with 400 INVALID_SCHEDULE, a hint and the field', async () => {
    const org = await newOrg('Schedules bad input');
    const job = await api<{ id: string }>(org.key, 'POST', '/v1/jobs', { name: 's', spec: { startUrls: ['http://127.0.0.1:9/list'], itemSelector: 'li', fields: { a: {} } } });
    expect(job.status).toBe(201);
    const cases: Array<[unknown, string]> = [
      [{ cron: '61 * * * *' }, 'cron'], [{ cron: '0 0 * * * *' }, 'cron'], [{ cron: '0 6 * * *', timeZone: 'Mars/Base' }, 'timeZone'],
      [{ cron: '0 6 * * *', overlap: 'sometimes' }, 'overlap'], [{ cron: '0 6 * * *', jitterSeconds: -1 }, 'jitterSeconds'],
    ];
    for (const [body, path] of cases) {
      const res = await api<Err>(org.key, 'PUT', `/v1/jobs/${job.body.id}/schedule`, body);
      expect([res.status, res.body.error.code, res.body.error.details.issues[0]?.path, res.body.error.hint.length > 20], JSON.stringify(body)).toEqual([400, 'INVALID_SCHEDULE', path, true]);
    }
    expect((await api(org.key, 'GET', `/v1/jobs/${job.body.id}/schedule`)).status).toBe(404);
  });

  it('starts exactly one run per slot: a doubled tick starts nothing more, a paused schedule nothing, another org sees nothing', async () => {
    const [org, other] = await Promise.all([newOrg('Schedules'), newOrg('Schedules other')]);
    const job = await api<{ id: string }>(org.key, 'POST', '/v1/jobs', { name: 'nightly', spec: { startUrls: ['http://127.0.0.1:9/list'], itemSelector: 'li', fields: { a: {} } } });
    const set = await api<{ nextRuns: number[]; paused: boolean; timeZone: string }>(org.key, 'PUT', `/v1/jobs/${job.body.id}/schedule`, { cron: CRON, timeZone: 'Asia/Seoul', overlap: 'allow' });
    const t = firstSlot(Date.now());
    expect([set.status, set.body.paused, set.body.nextRuns]).toEqual([200, false, [0, 1, 2, 3, 4].map((i) => t + i * DAY)]);
    expect((await api(other.key, 'GET', `/v1/jobs/${job.body.id}/schedule`)).status).toBe(404);
    expect((await api(other.key, 'POST', `/v1/jobs/${job.body.id}/schedule/pause`)).status).toBe(404);

    await tick(t - 60_000);
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([]);
    await Promise.all([tick(t + 20_000), tick(t + 20_000)]); // doubled, at once
    await tick(t + 20_000); // and again after
    await tick(t + 80_000); // the next minute: nothing new is due
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t]]);
    // Setting the schedule again moves its cursor back to now, so the replayed tick decides slot t again: only the
    // (schedule, slot) key stops a second start.
    expect((await api(org.key, 'PUT', `/v1/jobs/${job.body.id}/schedule`, { cron: CRON, timeZone: 'Asia/Seoul', overlap: 'allow' })).status).toBe(200);
    await tick(t + 20_000);
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t]]);
    await tick(t + DAY + 200_000); // a late tick (3 min 20 s) still starts the slot
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t], ['schedule', t + DAY]]);

    const paused = await api<{ paused: boolean; nextRuns: number[] }>(org.key, 'POST', `/v1/jobs/${job.body.id}/schedule/pause`);
    expect([paused.status, paused.body.paused, paused.body.nextRuns]).toEqual([200, true, []]);
    expect((await api(org.key, 'POST', `/v1/jobs/${job.body.id}/schedule/pause`)).status).toBe(409);
    await tick(t + 2 * DAY + 20_000);
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t], ['schedule', t + DAY]]);
    const resumed = await api<{ paused: boolean }>(org.key, 'POST', `/v1/jobs/${job.body.id}/schedule/resume`);
    expect([resumed.status, resumed.body.paused]).toEqual([200, false]);
    // Replaying every earlier tick after the resume starts none of their slots again; only the day-3 slot is new.
    for (const time of [t + 20_000, t + DAY + 200_000, t + 2 * DAY + 20_000]) await tick(time);
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t], ['schedule', t + DAY], ['schedule', t + 2 * DAY]]);

    expect((await api(org.key, 'DELETE', `/v1/jobs/${job.body.id}/schedule`)).status).toBe(204);
    await tick(t + 3 * DAY + 20_000);
    expect((await scheduledRuns(org.key, job.body.id)).length).toBe(3);
  });

  it('overlap "queue": a slot due while the job runs waits, and starts once on the first tick after the run ends', async () => {
    const org = await newOrg('Schedules queue');
    const job = await api<{ id: string }>(org.key, 'POST', '/v1/jobs', { name: 'queued', spec: { startUrls: ['http://127.0.0.1:9/list'], itemSelector: 'li', fields: { a: {} } } });
    expect((await api(org.key, 'PUT', `/v1/jobs/${job.body.id}/schedule`, { cron: CRON, timeZone: 'Asia/Seoul', overlap: 'queue' })).status).toBe(200);
    const t = firstSlot(Date.now());
    await tick(t + 20_000);
    const [first] = (await api<{ data: Run[] }>(org.key, 'GET', `/v1/runs?jobId=${job.body.id}`)).body.data;
    // No fleet node takes this run: it stays queued, so the next day's slot finds the job running.
    await tick(t + DAY + 20_000);
    await tick(t + DAY + 80_000);
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t]]);
    expect((await api(org.key, 'POST', `/v1/runs/${first!.id}/cancel`)).status).toBe(200);
    await Promise.all([tick(t + DAY + 140_000), tick(t + DAY + 140_000)]);
    await tick(t + DAY + 200_000);
    expect(await scheduledRuns(org.key, job.body.id)).toEqual([['schedule', t], ['schedule', t + DAY]]);
  });
});
