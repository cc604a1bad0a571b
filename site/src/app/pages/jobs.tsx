import { For, Show, createResource, createSignal, onCleanup } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { StatusPill, Trend } from '../ui/status.tsx';
import { can } from '../session.ts';

type JobPage = ApiData<'/v1/jobs', 'get'>;
type RunPage = ApiData<'/v1/runs', 'get'>;

/** Jobs: a cursor-paged list with each job's last run and success trend, searched and filtered by last status on the server. */
export function JobsPage() {
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [history, setHistory] = createSignal<Array<string | null>>([]);
  const [typed, setTyped] = createSignal('');
  const [query, setQuery] = createSignal('');
  const [status, setStatus] = createSignal('all');
  // The search runs on the server (GET /v1/jobs?q=&status=), 300 ms after the last key; a new search starts at page one.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const search = (next: () => void) => { next(); setHistory([]); setCursor(null); };
  const onType = (text: string) => { setTyped(text); clearTimeout(timer); timer = setTimeout(() => search(() => setQuery(text.trim())), 300); };
  onCleanup(() => clearTimeout(timer));
  const [jobs] = createResource(() => ({ c: cursor(), q: query(), s: status() }), ({ c, q, s }) => call<JobPage>(api.GET('/v1/jobs', { params: { query: {
    limit: 20, ...(c ? { cursor: c } : {}), ...(q ? { q } : {}), ...(s === 'all' ? {} : { status: s as 'never' }),
  } } })));
  const page = () => jobs.latest;
  const [runs] = createResource(page, async (p) => {
    const out: Record<string, RunPage['data']> = {};
    await Promise.all(p.data.map(async (j) => { out[j.id] = (await call<RunPage>(api.GET('/v1/runs', { params: { query: { jobId: j.id, limit: 10 } } }))).data; }));
    return out;
  });
  // GET /v1/jobs carries each job's schedule in short (cron, paused, next start): no request per job.
  const nextRun = (j: JobPage['data'][number]) => {
    const s = j.schedule;
    if (!s) return t('jobs.notScheduled');
    return s.paused ? t('jobs.schedulePaused') : s.nextRun !== null ? formatTime(s.nextRun) : t('jobs.notScheduled');
  };
  const shown = () => page()?.data ?? [];
  return (
    <section>
      <div class="page-head">
        <h1>{t('jobs.title')}</h1>
        <Show when={can('jobs:write')} fallback={<span class="why-disabled">{t('jobs.newDisabled')}</span>}>
          <a class="btn btn-primary" href="/app/jobs/edit/" data-testid="new-job">{t('jobs.new')}</a>
        </Show>
      </div>
      <div class="filters">
        <label>{t('jobs.search')} <input type="search" data-testid="jobs-search" value={typed()} onInput={(e) => onType(e.currentTarget.value)} aria-describedby="jobs-search-help" /></label>
        <span id="jobs-search-help" class="muted small">{t('jobs.searchHelp')}</span>
        <label>{t('jobs.filterStatus')}{' '}
          <select data-testid="jobs-status" value={status()} onChange={(e) => { const v = e.currentTarget.value; search(() => setStatus(v)); }}>
            <option value="all">{t('common.all')}</option>
            <For each={['succeeded', 'partial', 'failed', 'running', 'queued', 'cancelled', 'never']}>{(s) => <option value={s}>{t(`status.${s}` as 'status.never')}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={!jobs.error} fallback={<ErrorBox error={jobs.error} />}>
        <Show when={page()} fallback={<Loading />}>
          <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}>
            <table class="table" data-testid="jobs-table" aria-busy={jobs.loading}>
              <thead><tr><th scope="col">{t('jobs.name')}</th><th scope="col">{t('jobs.lastRun')}</th><th scope="col">{t('jobs.trendHead')}</th><th scope="col">{t('jobs.nextRun')}</th><th scope="col">{t('jobs.updated')}</th></tr></thead>
              <tbody>
                <For each={shown()} fallback={<tr><td colSpan={5}>{t('jobs.none')}</td></tr>}>{(j) => {
                  const last = () => runs()?.[j.id]?.[0];
                  return (
                    <tr>
                      <td><a href={`/app/jobs/edit/?id=${j.id}`}>{j.name}</a><div class="muted small">{j.spec.startUrls[0]}</div></td>
                      <td><Show when={last()} fallback={<span class="muted">{runs.loading ? t('common.loading') : t('status.never')}</span>}>{(r) => <a href={`/app/runs/?id=${r().id}`}><StatusPill status={r().status} /></a>}</Show></td>
                      <td><Trend statuses={[...(runs()?.[j.id] ?? [])].reverse().map((r) => r.status)} /></td>
                      <td><a data-testid="job-next-run" href={`/app/jobs/schedule/?id=${j.id}`} title={j.schedule ? `${j.schedule.cron} (${j.schedule.timeZone})` : undefined}
                        aria-label={`${t('jobs.editSchedule', { name: j.name })}: ${nextRun(j)}`}>{nextRun(j)}</a>
                        <div class="small"><a data-testid="job-notifications" href={`/app/jobs/notifications/?id=${j.id}`} aria-label={t('notify.jobLink', { name: j.name })}>{t('notify.jobHead')}</a></div></td>
                      <td>{formatTime(j.updatedAt)}</td>
                    </tr>
                  );
                }}</For>
              </tbody>
            </table>
          </div>
          <div class="pager">
            <button type="button" class="btn" data-testid="jobs-prev" disabled={history().length === 0} onClick={() => { const h = [...history()]; const prev = h.pop() ?? null; setHistory(h); setCursor(prev); }}>{t('common.prev')}</button>
            <button type="button" class="btn" data-testid="jobs-next" disabled={!page()?.nextCursor} onClick={() => { setHistory([...history(), cursor()]); setCursor(page()!.nextCursor); }}>{t('common.next')}</button>
          </div>
        </Show>
      </Show>
    </section>
  );
}
