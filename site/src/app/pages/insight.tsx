import { For, Show, createResource, createSignal } from 'solid-js';
import type { Insight } from '@trawl/schemas';
import { api, call, type ApiData } from '../api.ts';
import { formatDuration, lang, t, type MessageKey } from '../i18n/index.ts';
import { CodeLink, ErrorBox, Loading } from '../ui/error-box.tsx';
import { PALETTE, TimeChart } from '../ui/time-chart.tsx';

interface Summary { count: number; mean: number | null; p95: number | null }
interface Figures { runs: { finished: number; succeeded: number; successRate: number | null }; runDurationMs: Summary; failureCauses: Record<string, number>; itemsPerRun: { total: number; mean: number | null } }
interface Stats extends Figures { jobs: Array<Figures & { jobId: string }> }
type JobPage = ApiData<'/v1/jobs', 'get'>;
type Range = 'hours' | 'days' | 'weeks';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Each range: its bucket, how many, and where the last bucket ends (the end of the current hour or day, UTC). */
const RANGES: Record<Range, { bucket: 'hour' | 'day' | 'week'; ms: number; n: number; end: (now: number) => number }> = {
  hours: { bucket: 'hour', ms: HOUR, n: 48, end: (now) => Math.floor(now / HOUR) * HOUR + HOUR },
  days: { bucket: 'day', ms: DAY, n: 14, end: (now) => Math.floor(now / DAY) * DAY + DAY },
  weeks: { bucket: 'week', ms: 7 * DAY, n: 12, end: (now) => Math.floor(now / DAY) * DAY + DAY },
};
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const round = (x: number | null) => (x === null ? null : Math.round(x));

/** Insight: success rate, run duration (mean, p95), failure causes and items per run over time, for the organization or one job. */
export function InsightPage() {
  const query = new URLSearchParams(location.search);
  const [jobId, setJobId] = createSignal(query.get('job') ?? '');
  const [range, setRange] = createSignal<Range>((['hours', 'days', 'weeks'] as const).find((r) => r === query.get('range')) ?? 'days');
  const [jobs] = createResource(() => call<JobPage>(api.GET('/v1/jobs', { params: { query: { limit: 100 } } })));
  const [data] = createResource(() => ({ job: jobId(), range: range() }), async ({ job, range: r }) => {
    const spec = RANGES[r];
    const to = spec.end(Date.now());
    const from = to - spec.n * spec.ms;
    const jobQuery = job ? { jobId: job } : {};
    const [series, stats] = await Promise.all([
      call<Insight>(api.GET('/v1/insight', { params: { query: { from, to, bucket: spec.bucket, ...jobQuery } } })),
      call<Stats>(api.GET('/v1/stats', { params: { query: { from, to, ...jobQuery } } }) as never),
    ]);
    return { series, stats };
  });
  const choose = (job: string, r: Range) => {
    setJobId(job); setRange(r);
    history.replaceState(null, '', `?${new URLSearchParams({ ...(job ? { job } : {}), range: r }).toString()}`);
  };
  const names = () => new Map((jobs()?.data ?? []).map((j) => [j.id, j.name]));
  const when = (ms: number) => new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en-GB',
    range() === 'hours' ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(ms);

  return (
    <section>
      <div class="page-head"><h1>{t('insight.title2')}</h1></div>
      <div class="toolbar insight-controls">
        <div class="ctl"><label for="insight-scope">{t('insight.scope')}</label>
          <select id="insight-scope" value={jobId()} onChange={(e) => choose(e.currentTarget.value, range())}>
            <option value="">{t('insight.org')}</option>
            <For each={jobs()?.data ?? []}>{(j) => <option value={j.id}>{j.name}</option>}</For>
          </select></div>
        <div class="ctl"><label for="insight-range">{t('insight.range')}</label>
          <select id="insight-range" value={range()} onChange={(e) => choose(jobId(), e.currentTarget.value as Range)}>
            <For each={['hours', 'days', 'weeks'] as const}>{(r) => <option value={r}>{t(`insight.range.${r}` as MessageKey)}</option>}</For>
          </select></div>
      </div>
      <Show when={!data.error} fallback={<ErrorBox error={data.error} />}>
        <Show when={data()} fallback={<Loading />}>{(d) => {
          const s = () => d().series.series;
          const times = () => s().map((p) => p.from);
          const totals = () => d().stats;
          const causes = () => Object.entries(totals().failureCauses).sort((a, b) => b[1] - a[1]);
          const busiest = () => s().reduce<{ at: number; p95: number } | null>((best, p) => (p.runDurationMs.p95 !== null && (!best || p.runDurationMs.p95 > best.p95) ? { at: p.from, p95: p.runDurationMs.p95 } : best), null);
          return (
            <div class="cards insight">
              <TimeChart id="success" title={t('insight.successRate')} times={times()} formatTime={when} format={(v) => `${Math.round(v)}%`} yMax={100}
                summary={t('insight.successSummary', { succeeded: totals().runs.succeeded, finished: totals().runs.finished, rate: pct(totals().runs.successRate) })}
                series={[{ label: t('insight.successRate'), color: PALETTE[2]!, values: s().map((p) => (p.runs.successRate === null ? null : p.runs.successRate * 100)) }]} />
              <TimeChart id="duration" title={t('insight.duration')} times={times()} formatTime={when} format={(v) => formatDuration(Math.round(v))}
                summary={busiest() ? t('insight.durationSummary', { mean: formatDuration(round(totals().runDurationMs.mean)), p95: formatDuration(busiest()!.p95), when: when(busiest()!.at) }) : t('insight.noneInRange')}
                series={[{ label: t('insight.mean'), color: PALETTE[0]!, values: s().map((p) => p.runDurationMs.mean) }, { label: 'p95', color: PALETTE[1]!, dash: [6, 4], values: s().map((p) => p.runDurationMs.p95) }]} />
              <TimeChart id="items" counts title={t('insight.items')} times={times()} formatTime={when} format={(v) => String(Math.round(v))}
                summary={t('insight.itemsSummary', { total: totals().itemsPerRun.total, runs: totals().runs.finished })}
                series={[{ label: t('insight.itemsMean'), color: PALETTE[5]!, values: s().map((p) => p.itemsPerRun.mean) }]} />
              <TimeChart id="causes" counts title={t('insight.causes')} times={times()} formatTime={when} format={(v) => String(Math.round(v))}
                summary={causes().length ? t('insight.causesSummary', { n: causes().reduce((a, [, n]) => a + n, 0), code: causes()[0]![0] }) : t('insight.noFailures')}
                series={causes().slice(0, PALETTE.length).map(([code], i) => ({ label: code, color: PALETTE[i]!, dash: i % 2 ? [4, 3] : undefined, values: s().map((p) => p.failureCauses[code] ?? 0) }))} />
              <div class="card"><h2>{t('insight.causesTotal')}</h2>
                <Show when={causes().length > 0} fallback={<p class="muted">{t('insight.noFailures')}</p>}>
                  <ul class="plain-list"><For each={causes()}>{([code, n]) => <li><CodeLink code={code} /> × {n}</li>}</For></ul>
                </Show>
              </div>
              <Show when={!jobId()}>
                <div class="card card-wide"><h2>{t('insight.perJob')}</h2>
                  <div class="table-wrap" tabindex="0" role="region" aria-label={t('insight.perJob')}><table class="table">
                    <thead><tr><th scope="col">{t('jobs.name')}</th><th scope="col">{t('insight.runs')}</th><th scope="col">{t('insight.successRate')}</th><th scope="col">{t('insight.meanP95')}</th><th scope="col">{t('insight.itemsMean')}</th></tr></thead>
                    <tbody><For each={totals().jobs} fallback={<tr><td colSpan={5}>{t('insight.noneInRange')}</td></tr>}>{(j) => (
                      <tr><td><a href={`?job=${j.jobId}&range=${range()}`} onClick={(e) => { e.preventDefault(); choose(j.jobId, range()); }}>{names().get(j.jobId) ?? j.jobId}</a></td><td>{j.runs.finished}</td><td>{pct(j.runs.successRate)}</td>
                        <td>{formatDuration(round(j.runDurationMs.mean))} / {formatDuration(j.runDurationMs.p95)}</td><td>{j.itemsPerRun.mean === null ? '—' : Math.round(j.itemsPerRun.mean)}</td></tr>
                    )}</For></tbody>
                  </table></div>
                </div>
              </Show>
            </div>
          );
        }}</Show>
      </Show>
    </section>
  );
}
