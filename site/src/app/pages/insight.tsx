import { For, Show, createResource } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatDuration, lang, t } from '../i18n/index.ts';
import { CodeLink, ErrorBox, Loading } from '../ui/error-box.tsx';

interface Summary { count: number; mean: number | null; p95: number | null }
interface Figures { runs: { finished: number; succeeded: number; successRate: number | null }; runDurationMs: Summary; failureCauses: Record<string, number>; itemsPerRun: { total: number; mean: number | null } }
interface Stats extends Figures { jobs: Array<Figures & { jobId: string }> }
type JobPage = ApiData<'/v1/jobs', 'get'>;

const DAY = 86_400_000;
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** A horizontal bar with its value as text: the figure is readable without the bar. */
function Bar(props: { label: string; value: number; max: number; text: string }) {
  return (
    <div class="hbar">
      <span class="hbar-label">{props.label}</span>
      <span class="hbar-track" aria-hidden="true"><span class="hbar-fill" style={{ width: `${props.max ? Math.round((props.value / props.max) * 100) : 0}%` }} /></span>
      <span class="hbar-value">{props.text}</span>
    </div>
  );
}

/** Insight: success rate, run duration (mean, p95), failure causes and items per run, per day and per job (GET /v1/stats). */
export function InsightPage() {
  const [data] = createResource(async () => {
    const today = Math.floor(Date.now() / DAY) * DAY + DAY;
    const days = await Promise.all(Array.from({ length: 7 }, (_, i) => today - (7 - i) * DAY).map(async (from) => ({
      from, stats: await call<Stats>(api.GET('/v1/stats', { params: { query: { from, to: from + DAY } } }) as never),
    })));
    const week = await call<Stats>(api.GET('/v1/stats', { params: { query: { from: today - 7 * DAY, to: today } } }) as never);
    const jobs = await call<JobPage>(api.GET('/v1/jobs', { params: { query: { limit: 100 } } }));
    return { days, week, names: new Map(jobs.data.map((j) => [j.id, j.name])) };
  });
  const day = (ms: number) => new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en-GB', { month: 'short', day: 'numeric' }).format(ms);
  return (
    <section>
      <div class="page-head"><h1>{t('insight.title')}</h1></div>
      <Show when={!data.error} fallback={<ErrorBox error={data.error} />}>
        <Show when={data()} fallback={<Loading />}>{(d) => {
          const causes = () => Object.entries(d().week.failureCauses).sort((a, b) => b[1] - a[1]);
          const maxItems = () => Math.max(1, ...d().days.map((x) => x.stats.itemsPerRun.mean ?? 0));
          const maxP95 = () => Math.max(1, ...d().days.map((x) => x.stats.runDurationMs.p95 ?? 0));
          return (
            <div class="cards insight">
              <div class="card"><h2>{t('insight.successRate')}</h2>
                <For each={d().days}>{(x) => <Bar label={day(x.from)} value={x.stats.runs.successRate ?? 0} max={1} text={`${pct(x.stats.runs.successRate)} (${x.stats.runs.succeeded}/${x.stats.runs.finished})`} />}</For>
              </div>
              <div class="card"><h2>{t('insight.duration')}</h2>
                <For each={d().days}>{(x) => <Bar label={day(x.from)} value={x.stats.runDurationMs.p95 ?? 0} max={maxP95()} text={`${formatDuration(x.stats.runDurationMs.mean === null ? null : Math.round(x.stats.runDurationMs.mean))} / ${formatDuration(x.stats.runDurationMs.p95)}`} />}</For>
              </div>
              <div class="card"><h2>{t('insight.items')}</h2>
                <For each={d().days}>{(x) => <Bar label={day(x.from)} value={x.stats.itemsPerRun.mean ?? 0} max={maxItems()} text={x.stats.itemsPerRun.mean === null ? '—' : String(Math.round(x.stats.itemsPerRun.mean))} />}</For>
              </div>
              <div class="card"><h2>{t('insight.causes')}</h2>
                <Show when={causes().length > 0} fallback={<p class="muted">{t('insight.noFailures')}</p>}>
                  <ul class="plain-list"><For each={causes()}>{([code, n]) => <li><CodeLink code={code} /> × {n}</li>}</For></ul>
                </Show>
              </div>
              <div class="card card-wide"><h2>{t('insight.perJob')}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label={t('insight.perJob')}><table class="table">
                  <thead><tr><th scope="col">{t('jobs.name')}</th><th scope="col">{t('insight.runs')}</th><th scope="col">{t('insight.successRate')}</th><th scope="col">{t('insight.meanP95')}</th><th scope="col">{t('insight.itemsMean')}</th></tr></thead>
                  <tbody><For each={d().week.jobs} fallback={<tr><td colSpan={5}>{t('insight.none')}</td></tr>}>{(j) => (
                    <tr><td><a href={`/app/jobs/edit/?id=${j.jobId}`}>{d().names.get(j.jobId) ?? j.jobId}</a></td><td>{j.runs.finished}</td><td>{pct(j.runs.successRate)}</td>
                      <td>{formatDuration(j.runDurationMs.mean === null ? null : Math.round(j.runDurationMs.mean))} / {formatDuration(j.runDurationMs.p95)}</td><td>{j.itemsPerRun.mean === null ? '—' : Math.round(j.itemsPerRun.mean)}</td></tr>
                  )}</For></tbody>
                </table></div>
              </div>
            </div>
          );
        }}</Show>
      </Show>
    </section>
  );
}
