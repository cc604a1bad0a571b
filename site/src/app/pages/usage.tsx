import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { lang, t, type MessageKey } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';

type Usage = ApiData<'/v1/usage', 'get'>;
type JobPage = ApiData<'/v1/jobs', 'get'>;
type Period = 'month' | 'days30' | 'days7';
const PERIODS: Period[] = ['month', 'days30', 'days7'];
const DAY = 86_400_000;
const KINDS = ['trace', 'har', 'screenshot'] as const;

/** The window of each period, ending now: the API reports over [from, to). This month starts at the 1st, 00:00 UTC. */
function windowOf(p: Period, now: number): { from: number; to: number } {
  if (p === 'month') { const d = new Date(now); return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: now }; }
  return { from: now - (p === 'days30' ? 30 : 7) * DAY, to: now };
}

const locale = () => (lang() === 'ko' ? 'ko-KR' : 'en-GB');
const num = (n: number, digits = 0) => new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
/** Exact bytes (what the API counts), with a readable size beside them. */
function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  const i = n <= 0 ? 0 : Math.min(units.length - 1, Math.floor(Math.log10(n) / 3));
  const exact = `${num(n)} B`;
  return i === 0 ? exact : `${num(n / 1000 ** i, 1)} ${units[i]} (${exact})`;
}
const money = (n: number, currency: string) => (currency
  ? new Intl.NumberFormat(locale(), { style: 'currency', currency, maximumFractionDigits: 4 }).format(n) : num(n, 4));

/** Usage: the organization's runs, pages, browser time, storage and estimated cost, per job, and what artifact choices save. */
export function UsagePage() {
  const [period, setPeriod] = createSignal<Period>(PERIODS.find((p) => p === new URLSearchParams(location.search).get('period')) ?? 'month');
  const [jobs] = createResource(() => call<JobPage>(api.GET('/v1/jobs', { params: { query: { limit: 100 } } })));
  const [data] = createResource(period, (p) => call<Usage>(api.GET('/v1/usage', { params: { query: windowOf(p, Date.now()) } })));
  const choose = (p: Period) => { setPeriod(p); history.replaceState(null, '', `?period=${p}`); };
  const names = () => new Map((jobs()?.data ?? []).map((j) => [j.id, j.name]));

  return (
    <section>
      <div class="page-head"><h1>{t('usage.title')}</h1></div>
      <div class="toolbar">
        <div class="ctl"><label for="usage-period">{t('usage.period')}</label>
          <select id="usage-period" value={period()} onChange={(e) => choose(e.currentTarget.value as Period)}>
            <For each={PERIODS}>{(p) => <option value={p}>{t(`usage.period.${p}` as MessageKey)}</option>}</For>
          </select></div>
      </div>
      <Show when={!data.error} fallback={<ErrorBox error={data.error} />}>
        <Show when={data()} fallback={<Loading />}>{(d) => {
          const cur = () => d().prices.currency;
          const saved = () => d().artifactSavings;
          return (
            <div class="cards">
              <div class="card" data-testid="usage-totals"><h2>{t('usage.totals')}</h2>
                <dl class="kv">
                  <dt>{t('usage.runs')}</dt><dd data-testid="usage-runs">{num(d().usage.runs)}</dd>
                  <dt>{t('usage.pages')}</dt><dd data-testid="usage-pages">{num(d().usage.pages)}</dd>
                  <dt>{t('usage.browserSeconds')}</dt><dd>{num(d().usage.browserSeconds, 1)}</dd>
                  <dt>{t('usage.bytesStored')}</dt><dd data-testid="usage-bytes">{bytes(d().usage.bytesStored)}</dd>
                  <dt>{t('usage.cost')}</dt><dd>{money(d().cost.total, cur())} <span class="muted">({t('usage.estimated')})</span></dd>
                </dl>
              </div>
              <div class="card card-wide" data-testid="usage-savings"><h2>{t('usage.savings')}</h2>
                <p data-testid="usage-compression">{t('usage.compressionSaved', { bytes: bytes(saved().compressionSavedBytes), cost: money(saved().compression, cur()) })}</p>
                <p data-testid="usage-sampling">{saved().samplingSavedBytes === null
                  ? t('usage.samplingUnknown')
                  : t('usage.samplingSaved', { bytes: bytes(saved().samplingSavedBytes ?? 0), cost: money(saved().sampling ?? 0, cur()) })}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label={t('usage.byKind')}><table class="table" data-testid="usage-kinds">
                  <thead><tr><th scope="col">{t('usage.kind')}</th><th scope="col">{t('usage.storedCount')}</th><th scope="col">{t('usage.storedBytes')}</th>
                    <th scope="col">{t('usage.uncompressed')}</th><th scope="col">{t('usage.skipped')}</th></tr></thead>
                  <tbody><For each={KINDS}>{(k) => {
                    const s = () => d().artifacts[k];
                    return (<tr data-kind={k}><th scope="row">{t(`usage.kind.${k}` as MessageKey)}</th><td>{num(s().stored.count)}</td><td>{bytes(s().stored.bytes)}</td>
                      <td>{bytes(s().uncompressedBytes)}</td>
                      <td>{num(s().skippedBySampling.count)} · {s().skippedBySampling.estimatedBytes === null ? t('usage.noEstimate') : `~${bytes(s().skippedBySampling.estimatedBytes ?? 0)}`}</td></tr>);
                  }}</For></tbody>
                </table></div>
                <p class="muted">{t('usage.estimateNote')}</p>
              </div>
              <div class="card card-wide"><h2>{t('usage.perJob')}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label={t('usage.perJob')}><table class="table" data-testid="usage-jobs">
                  <thead><tr><th scope="col">{t('jobs.name')}</th><th scope="col">{t('usage.runs')}</th><th scope="col">{t('usage.pages')}</th>
                    <th scope="col">{t('usage.browserSeconds')}</th><th scope="col">{t('usage.bytesStored')}</th><th scope="col">{t('usage.cost')}</th></tr></thead>
                  <tbody><For each={d().jobs} fallback={<tr><td colSpan={6}>{t('usage.none')}</td></tr>}>{(j) => (
                    <tr data-job={j.jobId}><th scope="row">{names().get(j.jobId) ?? j.jobId}</th><td>{num(j.usage.runs)}</td><td>{num(j.usage.pages)}</td>
                      <td>{num(j.usage.browserSeconds, 1)}</td><td>{bytes(j.usage.bytesStored)}</td><td>{money(j.cost.total, cur())}</td></tr>
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
