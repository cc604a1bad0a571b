import { For, createEffect, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import type uPlot from 'uplot';
import { t } from '../i18n/index.ts';

/** One line of a chart: its values per bucket (null: no data there), a colour with 3:1 contrast on white, a dash. */
export interface Series { label: string; values: Array<number | null>; color: string; dash?: number[] }

/** Colours for lines on the white card (each at least 4.5:1 against #fff, so also legible as legend text). */
export const PALETTE = ['#1f5fbf', '#b3261e', '#1b7a3a', '#8a4b00', '#6b3fa0', '#005f73'];

/**
 * A time series drawn by uPlot (loaded on first use, so pages without charts do not pay for it), with the same figures
 * as a table under it: the canvas is hidden from screen readers, the caption sums the chart up and the table holds
 * every value, so nothing is only in the picture.
 */
export function TimeChart(props: {
  id: string; title: string; summary: string; times: number[]; series: Series[];
  format: (v: number) => string; formatTime: (ms: number) => string; yMax?: number; counts?: boolean;
}) {
  let box: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  const [width, setWidth] = createSignal(600);
  const resize = new ResizeObserver((entries) => setWidth(Math.max(240, Math.floor(entries[0]?.contentRect.width ?? 600))));
  onMount(() => { if (box) resize.observe(box); });
  onCleanup(() => { resize.disconnect(); plot?.destroy(); });

  createEffect(() => {
    const data = [props.times.map((ms) => ms / 1000), ...props.series.map((s) => s.values)] as uPlot.AlignedData;
    const w = width();
    const fmt = props.format;
    const yMax = props.yMax;
    const when = props.formatTime;
    // Counts and items get whole-number ticks only (uPlot would otherwise label 0.2, 0.4… as 0, 0…).
    const incrs = props.counts ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000] : undefined;
    void import('./uplot-loader.ts').then(({ UPlot }) => {
      if (!box) return;
      plot?.destroy();
      plot = new UPlot({
        width: w, height: 200, legend: { show: true, live: false }, cursor: { show: true, points: { size: 6 } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(yMax ?? 0, max ?? 0, min ?? 0) || 1] } },
        // The time axis uses the page's own formatter (UTC, the UI's language), as the table under the chart does.
        axes: [{ stroke: '#4a5560', grid: { stroke: '#e3e7ea' }, space: 90, values: (_u, ticks) => ticks.map((sec) => when(sec * 1000)) }, { stroke: '#4a5560', grid: { stroke: '#e3e7ea' }, values: (_u, ticks) => ticks.map(fmt), size: 60, ...(incrs ? { incrs } : {}) }],
        series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, spanGaps: false, points: { show: true, size: 5, fill: s.color }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)) }))],
      }, data, box);
    });
  });

  return (
    <figure class="card chart" aria-labelledby={`${props.id}-title`} data-testid={`chart-${props.id}`}>
      <figcaption><h2 id={`${props.id}-title`}>{props.title}</h2><p class="muted small" data-testid={`chart-${props.id}-summary`}>{props.summary}</p></figcaption>
      <div class="chart-canvas" ref={(el) => { box = el; }} aria-hidden="true" />
      <details class="chart-data">
        <summary>{t('insight.showTable')}</summary>
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('insight.tableOf', { title: props.title })}>
          <table class="table" data-testid={`chart-${props.id}-table`}>
            <thead><tr><th scope="col">{t('insight.period')}</th><For each={props.series}>{(s) => <th scope="col">{s.label}</th>}</For></tr></thead>
            <tbody><For each={props.times}>{(ms, i) => (
              <tr><th scope="row">{props.formatTime(ms)}</th><For each={props.series}>{(s): JSX.Element => <td>{s.values[i()] === null || s.values[i()] === undefined ? '—' : props.format(s.values[i()]!)}</td>}</For></tr>
            )}</For></tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
