import { For, Show, createMemo, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { StatusPill, Trend } from '../ui/status.tsx';
import { can } from '../session.ts';

type JobPage = ApiData<'/v1/jobs', 'get'>;
type RunPage = ApiData<'/v1/runs', 'get'>;

/** Jobs: a cursor-paged list with each job's last run and success trend, searchable and filterable by last status. */
export function JobsPage() {
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [history, setHistory] = createSignal<Array<string | null>>([]);
  const [jobs] = createResource(() => ({ c: cursor() }), ({ c }) => call<JobPage>(api.GET('/v1/jobs', { params: { query: { limit: 20, ...(c ? { cursor: c } : {}) } } })));
  const page = () => jobs();
  const [runs] = createResource(page, async (p) => {
    const out: Record<string, RunPage['data']> = {};
    await Promise.all(p.data.map(async (j) => { out[j.id] = (await call<RunPage>(api.GET('/v1/runs', { params: { query: { jobId: j.id, limit: 10 } } }))).data; }));
    return out;
  });
  const [query, setQuery] = createSignal('');
  const [status, setStatus] = createSignal('all');
  const shown = createMemo(() => (page()?.data ?? []).filter((j) => {
    const q = query().trim().toLowerCase();
    if (q && !j.name.toLowerCase().includes(q) && !j.id.includes(q) && !j.spec.startUrls.some((u) => u.toLowerCase().includes(q))) return false;
    const last = runs()?.[j.id]?.[0]?.status ?? 'never';
    return status() === 'all' || status() === last;
  }));
  return (
    <section>
      <div class="page-head">
        <h1>{t('jobs.title')}</h1>
        <Show when={can('jobs:write')} fallback={<span class="why-disabled">{t('jobs.newDisabled')}</span>}>
          <a class="btn btn-primary" href="/app/jobs/edit/" data-testid="new-job">{t('jobs.new')}</a>
        </Show>
      </div>
      <div class="filters">
        <label>{t('jobs.search')} <input type="search" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} /></label>
        <label>{t('jobs.filterStatus')}{' '}
          <select value={status()} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="all">{t('common.all')}</option>
            <For each={['succeeded', 'partial', 'failed', 'running', 'queued', 'cancelled', 'never']}>{(s) => <option value={s}>{t(`status.${s}` as 'status.never')}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={!jobs.error} fallback={<ErrorBox error={jobs.error} />}>
        <Show when={page()} fallback={<Loading />}>
          <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}>
            <table class="table" data-testid="jobs-table">
              <thead><tr><th scope="col">{t('jobs.name')}</th><th scope="col">{t('jobs.lastRun')}</th><th scope="col">{t('jobs.trendHead')}</th><th scope="col">{t('jobs.updated')}</th></tr></thead>
              <tbody>
                <For each={shown()} fallback={<tr><td colSpan={4}>{t('jobs.none')}</td></tr>}>{(j) => {
                  const last = () => runs()?.[j.id]?.[0];
                  return (
                    <tr>
                      <td><a href={`/app/jobs/edit/?id=${j.id}`}>{j.name}</a><div class="muted small">{j.spec.startUrls[0]}</div></td>
                      <td><Show when={last()} fallback={<span class="muted">{runs.loading ? t('common.loading') : t('status.never')}</span>}>{(r) => <a href={`/app/runs/?id=${r().id}`}><StatusPill status={r().status} /></a>}</Show></td>
                      <td><Trend statuses={[...(runs()?.[j.id] ?? [])].reverse().map((r) => r.status)} /></td>
                      <td>{formatTime(j.updatedAt)}</td>
                    </tr>
                  );
                }}</For>
              </tbody>
            </table>
          </div>
          <div class="pager">
            <button type="button" class="btn" disabled={history().length === 0} onClick={() => { const h = [...history()]; const prev = h.pop() ?? null; setHistory(h); setCursor(prev); }}>{t('common.prev')}</button>
            <button type="button" class="btn" disabled={!page()?.nextCursor} onClick={() => { setHistory([...history(), cursor()]); setCursor(page()!.nextCursor); }}>{t('common.next')}</button>
          </div>
        </Show>
      </Show>
    </section>
  );
}
