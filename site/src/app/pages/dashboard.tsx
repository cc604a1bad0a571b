import { For, Show, createResource, onCleanup, onMount } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatDuration, formatTime, t } from '../i18n/index.ts';
import { CodeLink, ErrorBox, Loading } from '../ui/error-box.tsx';
import { StatusPill } from '../ui/status.tsx';

type RunPage = ApiData<'/v1/runs', 'get'>;
interface Stats { runs: { finished: number; succeeded: number; successRate: number | null }; itemsPerRun: { total: number }; tasks: { attempts: number; failed: number }; runDurationMs: { mean: number | null; p95: number | null } }
interface Storage { data: Array<{ kind: string; objects: number; bytes: number }> }

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** After sign-in: recent runs across jobs, the running ones live, failures needing attention, and usage. */
export function DashboardPage() {
  const [runs, { refetch }] = createResource(() => call<RunPage>(api.GET('/v1/runs', { params: { query: { limit: 25 } } })));
  const [stats] = createResource(() => call<Stats>(api.GET('/v1/stats', { params: { query: {} } }) as never));
  const [storage] = createResource(() => call<Storage>(api.GET('/v1/storage') as never));
  let timer: ReturnType<typeof setInterval> | undefined;
  // Running runs refresh while any is running.
  onMount(() => { timer = setInterval(() => { if (runs()?.data.some((r) => r.status === 'running' || r.status === 'queued')) void refetch(); }, 3000); });
  onCleanup(() => clearInterval(timer));
  const running = () => (runs()?.data ?? []).filter((r) => r.status === 'running' || r.status === 'queued');
  const failing = () => (runs()?.data ?? []).filter((r) => r.status === 'failed' || r.status === 'partial');
  return (
    <section>
      <div class="page-head"><h1>{t('dash.title')}</h1><a class="btn btn-primary" href="/app/jobs/edit/">{t('jobs.new')}</a></div>
      <div class="cards">
        <div class="card"><h2>{t('dash.usage')}</h2>
          <Show when={!stats.error} fallback={<ErrorBox error={stats.error} />}>
            <Show when={stats()} fallback={<Loading />}>{(s) => (
              <dl class="kv">
                <dt>{t('dash.runs7d')}</dt><dd data-testid="usage-runs">{s().runs.finished}</dd>
                <dt>{t('dash.successRate')}</dt><dd>{s().runs.successRate === null ? '—' : `${Math.round(s().runs.successRate! * 100)}%`}</dd>
                <dt>{t('dash.pages')}</dt><dd>{s().tasks.attempts}</dd>
                <dt>{t('dash.items')}</dt><dd>{s().itemsPerRun.total}</dd>
                <dt>{t('dash.p95')}</dt><dd>{formatDuration(s().runDurationMs.p95)}</dd>
                <dt>{t('dash.storage')}</dt><dd>{storage() ? mb(storage()!.data.reduce((a, r) => a + r.bytes, 0)) : '…'}</dd>
              </dl>
            )}</Show>
          </Show>
        </div>
        <div class="card"><h2>{t('dash.running')}</h2>
          <Show when={runs()} fallback={<Loading />}>
            <Show when={running().length > 0} fallback={<p class="muted">{t('dash.noneRunning')}</p>}>
              <ul class="plain-list"><For each={running()}>{(r) => <li><a href={`/app/runs/?id=${r.id}`}>{r.id}</a> <StatusPill status={r.status} /> {t('dash.progress', { done: r.counts.pagesSucceeded, queued: r.counts.pagesPending, items: r.counts.items })}</li>}</For></ul>
            </Show>
          </Show>
        </div>
        <div class="card"><h2>{t('dash.attention')}</h2>
          <Show when={runs()} fallback={<Loading />}>
            <Show when={failing().length > 0} fallback={<p class="muted">{t('dash.noFailures')}</p>}>
              <ul class="plain-list"><For each={failing()}>{(r) => <li><a href={`/app/runs/?id=${r.id}`}>{r.id}</a> <StatusPill status={r.status} /> <Show when={r.error}>{(e) => <CodeLink code={e().code} />}</Show></li>}</For></ul>
            </Show>
          </Show>
        </div>
      </div>
      <h2>{t('dash.recent')}</h2>
      <Show when={!runs.error} fallback={<ErrorBox error={runs.error} />}>
        <Show when={runs()} fallback={<Loading />}>
          <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}>
            <table class="table" data-testid="recent-runs">
              <thead><tr><th scope="col">{t('dash.run')}</th><th scope="col">{t('dash.status')}</th><th scope="col">{t('run.items')}</th><th scope="col">{t('dash.started')}</th><th scope="col">{t('run.duration')}</th></tr></thead>
              <tbody>
                <For each={runs()!.data} fallback={<tr><td colSpan={5}>{t('dash.noRuns')}</td></tr>}>{(r) => (
                  <tr><td><a href={`/app/runs/?id=${r.id}`}>{r.id}</a></td><td><StatusPill status={r.status} /></td><td>{r.counts.items}</td><td>{formatTime(r.createdAt)}</td><td>{formatDuration(r.durationMs)}</td></tr>
                )}</For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </section>
  );
}
