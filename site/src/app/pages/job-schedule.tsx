import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { GuardedButton } from '../ui/guarded.tsx';
import { can } from '../session.ts';

type Job = ApiData<'/v1/jobs/{id}', 'get'>;
type Schedule = ApiData<'/v1/jobs/{id}/schedule', 'get'>;

/** A start time as the schedule's own zone shows it, beside the reader's local time. */
const inZone = (ms: number, timeZone: string) => `${new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms)} ${timeZone}`;
const zones = (): string[] => (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC'];

/**
 * A job's schedule (ADR 0042): set the cron and time zone, see the next start times the API worked out, pause,
 * resume or remove it. The API validates (400 INVALID_SCHEDULE names the field); this page only shows its answer.
 */
export function JobSchedulePage() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [job] = createResource(() => call<Job>(api.GET('/v1/jobs/{id}', { params: { path: { id } } })));
  // No schedule is a 404: that is "not scheduled", shown as an empty form.
  const [schedule, { mutate }] = createResource(async () => call<Schedule>(api.GET('/v1/jobs/{id}/schedule', { params: { path: { id } } })).catch(() => null));
  const [cron, setCron] = createSignal<string | null>(null);
  const [zone, setZone] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const [done, setDone] = createSignal('');
  const cronText = () => cron() ?? schedule()?.cron ?? '0 6 * * *';
  const zoneText = () => zone() ?? schedule()?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const act = async (what: string, request: () => Promise<Schedule | null>) => {
    setFailure(null); setDone('');
    try { mutate(await request()); setDone(what); } catch (err) { setFailure(err); }
  };
  const path = { params: { path: { id } } };
  const save = () => act(t('schedule.saved'), () => call<Schedule>(api.PUT('/v1/jobs/{id}/schedule', { ...path, body: { cron: cronText().trim(), timeZone: zoneText().trim() } as never })));
  const pause = () => act(t('schedule.pausedNow'), () => call<Schedule>(api.POST('/v1/jobs/{id}/schedule/pause', path)));
  const resume = () => act(t('schedule.resumed'), () => call<Schedule>(api.POST('/v1/jobs/{id}/schedule/resume', path)));
  const remove = () => act(t('schedule.removed'), async () => { await call(api.DELETE('/v1/jobs/{id}/schedule', path)); return null; });
  return (
    <section>
      <div class="page-head">
        <h1>{t('schedule.title', { name: job()?.name ?? '…' })}</h1>
        <a class="btn" href="/app/jobs/">{t('schedule.back')}</a>
      </div>
      <Show when={!job.error} fallback={<ErrorBox error={job.error} />}>
        <Show when={!schedule.loading && job()} fallback={<Loading />}>
          <form class="card inline-form" data-testid="schedule-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
            <p class="muted small">{t('schedule.intro')}</p>
            <label>{t('schedule.cron')}
              <input data-testid="schedule-cron" value={cronText()} onInput={(e) => setCron(e.currentTarget.value)} aria-describedby="schedule-cron-help" readOnly={!can('jobs:write')} />
            </label>
            <p id="schedule-cron-help" class="muted small">{t('schedule.cronHelp')}</p>
            <label>{t('schedule.zone')}
              <input data-testid="schedule-zone" list="schedule-zones" value={zoneText()} onInput={(e) => setZone(e.currentTarget.value)} readOnly={!can('jobs:write')} />
            </label>
            <datalist id="schedule-zones"><For each={zones()}>{(z) => <option value={z} />}</For></datalist>
            <div class="actions">
              <GuardedButton permission="jobs:write" type="submit" class="btn btn-primary" onClick={() => undefined} testId="schedule-save">{t('schedule.save')}</GuardedButton>
              <Show when={schedule()}>{(s) => (
                <>
                  <Show when={s().paused} fallback={<GuardedButton permission="jobs:write" onClick={() => void pause()} testId="schedule-pause">{t('schedule.pause')}</GuardedButton>}>
                    <GuardedButton permission="jobs:write" onClick={() => void resume()} testId="schedule-resume">{t('schedule.resume')}</GuardedButton>
                  </Show>
                  <GuardedButton permission="jobs:write" onClick={() => void remove()} testId="schedule-remove">{t('schedule.remove')}</GuardedButton>
                </>
              )}</Show>
            </div>
            <Show when={done()}><p role="status" class="ok">{done()}</p></Show>
          </form>
          <Show when={failure()}><ErrorBox error={failure()} /></Show>
          <section class="card" aria-labelledby="next-head">
            <h2 id="next-head">{t('schedule.next')}</h2>
            <Show when={schedule()} fallback={<p data-testid="schedule-state">{t('jobs.notScheduled')}</p>}>{(s) => (
              <Show when={!s().paused} fallback={<p data-testid="schedule-state">{t('jobs.schedulePaused')}</p>}>
                <p data-testid="schedule-state" class="muted small">{t('schedule.inZone', { cron: s().cron, zone: s().timeZone })}</p>
                <ol data-testid="schedule-next"><For each={s().nextRuns}>{(ms) => (
                  <li><span data-testid="next-local">{formatTime(ms)}</span> <span class="muted small">({inZone(ms, s().timeZone)})</span></li>
                )}</For></ol>
              </Show>
            )}</Show>
          </section>
        </Show>
      </Show>
    </section>
  );
}
