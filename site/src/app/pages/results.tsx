import { For, Index, Show, createMemo, createResource, createSignal } from 'solid-js';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { api, call, ApiFailure, type Run } from '../api.ts';
import { t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { toApiError } from '@trawl/client';

type Row = Record<string, unknown>;
const ROW_HEIGHT = 34;
const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Reads a finished run's results as JSON lines (streamed by the API) into rows. */
async function loadRows(runId: string): Promise<Row[]> {
  const res = await fetch(`/v1/runs/${encodeURIComponent(runId)}/results?format=jsonl`, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiFailure(toApiError(await res.json().catch(() => null), res.status), res.status);
  const text = await res.text();
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
}

/** Results: a virtualised grid (smooth at 100,000 rows), sort, filter, columns, downloads and changes. */
export function ResultsPage() {
  const runId = new URLSearchParams(location.search).get('run') ?? '';
  const [run] = createResource(() => call<Run>(api.GET('/v1/runs/{id}', { params: { path: { id: runId } } })));
  const [rows] = createResource(() => run() && runId, loadRows);
  const columns = createMemo(() => {
    const seen = new Set<string>();
    for (const r of (rows() ?? []).slice(0, 200)) for (const k of Object.keys(r)) seen.add(k);
    return [...seen];
  });
  const [hidden, setHidden] = createSignal<Set<string>>(new Set());
  const [filter, setFilter] = createSignal('');
  const [sort, setSort] = createSignal<{ col: string; dir: 1 | -1 } | null>(null);
  const visibleCols = () => columns().filter((c) => !hidden().has(c));
  const view = createMemo(() => {
    const q = filter().trim().toLowerCase();
    let list = rows() ?? [];
    if (q) list = list.filter((r) => visibleCols().some((c) => cell(r[c]).toLowerCase().includes(q)));
    const s = sort();
    if (s) {
      const collator = new Intl.Collator(undefined, { numeric: true });
      list = [...list].sort((a, b) => {
        const x = a[s.col]; const y = b[s.col];
        if (typeof x === 'number' && typeof y === 'number') return (x - y) * s.dir;
        return collator.compare(cell(x), cell(y)) * s.dir;
      });
    }
    return list;
  });
  const toggleSort = (col: string) => setSort((s) => (s?.col === col ? (s.dir === 1 ? { col, dir: -1 } : null) : { col, dir: 1 }));
  const download = (format: string) => `/v1/runs/${encodeURIComponent(runId)}/results?format=${format}`;

  return (
    <section>
      <div class="page-head">
        <h1>{t('results.title')}</h1>
        <a href={`/app/runs/?id=${runId}`}>{t('results.backToRun')}</a>
      </div>
      <Show when={!run.error} fallback={<ErrorBox error={run.error} />}>
        <Show when={run()} fallback={<Loading />}>{(r) => (
          <>
            <div class="toolbar">
              <a class="btn" href={download('csv')} download={`${runId}.csv`} data-testid="download-csv">{t('results.download', { format: 'CSV' })}</a>
              <a class="btn" href={download('json')} download={`${runId}.json`}>{t('results.download', { format: 'JSON' })}</a>
              <a class="btn" href={download('jsonl')} download={`${runId}.jsonl`}>{t('results.download', { format: 'JSONL' })}</a>
            </div>
            <Show when={r().changes}>{(c) => <p class="changes" data-testid="changes">{t('results.changes', { added: c().added, changed: c().changed, removed: c().removed })}</p>}</Show>
            <Show when={!rows.error} fallback={<ErrorBox error={rows.error} />}>
              <Show when={rows()} fallback={<Loading label={t('results.loading')} />}>
                <div class="filters">
                  <label>{t('results.filter')} <input type="search" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} data-testid="results-filter" /></label>
                  <details class="columns-picker">
                    <summary>{t('results.columns')}</summary>
                    <For each={columns()}>{(c) => (
                      <label class="check"><input type="checkbox" checked={!hidden().has(c)} onChange={(e) => { const next = new Set(hidden()); if (e.currentTarget.checked) next.delete(c); else next.add(c); setHidden(next); }} /> {c}</label>
                    )}</For>
                  </details>
                  <span role="status" class="muted" data-testid="results-count">{t('results.count', { shown: view().length, total: rows()!.length })}</span>
                </div>
                <Grid rows={view()} columns={visibleCols()} sort={sort()} onSort={toggleSort} />
              </Show>
            </Show>
          </>
        )}</Show>
      </Show>
    </section>
  );
}

/**
 * The grid itself: only the rows in view (plus a few) are in the DOM. It mounts once the rows are loaded, so the
 * virtualizer finds its scroll element when it starts.
 */
function Grid(props: { rows: Row[]; columns: string[]; sort: { col: string; dir: 1 | -1 } | null; onSort: (col: string) => void }) {
  let scroller: HTMLDivElement | null = null;
  const virtualizer = createVirtualizer({
    get count() { return props.rows.length; },
    getScrollElement: () => scroller,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const template = () => `repeat(${Math.max(1, props.columns.length)}, minmax(9rem, 1fr))`;
  return (
    <div class="grid" role="table" aria-label={t('results.title')} aria-rowcount={props.rows.length + 1}>
      <div class="grid-head" role="row" style={{ 'grid-template-columns': template() }}>
        <For each={props.columns}>{(c) => (
          <div role="columnheader" aria-sort={props.sort?.col === c ? (props.sort!.dir === 1 ? 'ascending' : 'descending') : 'none'}>
            <button type="button" class="sort" onClick={() => props.onSort(c)}>{c}{props.sort?.col === c ? (props.sort!.dir === 1 ? ' ▲' : ' ▼') : ''}</button>
          </div>
        )}</For>
      </div>
      <div class="grid-body" ref={(el) => { scroller = el; }} data-testid="grid-body" tabindex="0" role="rowgroup" aria-label={t('results.scroll')}>
        <div role="none" style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {/* <Index>: the row elements stay and only their text and offset change while scrolling. */}
          <Index each={virtualizer.getVirtualItems()}>{(v) => (
            <div class="grid-row" role="row" aria-rowindex={v().index + 2} style={{ transform: `translateY(${v().start}px)`, height: `${ROW_HEIGHT}px`, 'grid-template-columns': template() }}>
              <Index each={props.columns}>{(c) => <div role="cell" title={cell(props.rows[v().index]?.[c()])}>{cell(props.rows[v().index]?.[c()])}</div>}</Index>
            </div>
          )}</Index>
        </div>
      </div>
    </div>
  );
}
