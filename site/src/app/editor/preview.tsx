import { For, Show } from 'solid-js';
import type { ApiData } from '../api.ts';
import { t } from '../i18n/index.ts';
import { CodeLink } from '../ui/error-box.tsx';

type Preview = ApiData<'/v1/preview', 'post'>;

/** What one page gave: the items, each field's fill rate, warnings, the in-page steps, the error if any, and a screenshot. */
export function PreviewPanel(props: { result: Preview }) {
  const columns = () => Object.keys(props.result.fillRates);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <div class="preview" data-testid="preview">
      <p role="status">{t('preview.summary', { items: props.result.itemCount, matched: props.result.matched, url: props.result.finalUrl ?? props.result.url })}</p>
      <Show when={props.result.error}>{(e) => <p class="error-box"><CodeLink code={e().code} /> {e().message}</p>}</Show>
      <Show when={props.result.warnings.length > 0}>
        <ul class="warnings"><For each={props.result.warnings}>{(w) => <li>{w}</li>}</For></ul>
      </Show>
      <Show when={props.result.steps.length > 0}>
        <details class="preview-steps" data-testid="preview-steps">
          <summary>{t('preview.steps', { n: props.result.steps.length })}</summary>
          <ol><For each={props.result.steps}>{(s) => <li class={s.level === 'warn' ? 'warn' : undefined}>{s.message}</li>}</For></ol>
        </details>
      </Show>
      <table class="table small fill-rates">
        <caption>{t('preview.fillRates')}</caption>
        <thead><tr><th scope="col">{t('preview.field')}</th><th scope="col">{t('preview.filled')}</th></tr></thead>
        <tbody><For each={columns()}>{(c) => <tr><td>{c}</td><td data-testid={`fill-${c}`}>{Math.round((props.result.fillRates[c] ?? 0) * 100)}%</td></tr>}</For></tbody>
      </table>
      <div class="table-wrap preview-items" tabindex="0" role="region" aria-label={t('preview.itemsRegion')}>
        <table class="table small">
          <caption>{t('preview.items', { n: props.result.items.length })}</caption>
          <thead><tr><For each={columns()}>{(c) => <th scope="col">{c}</th>}</For></tr></thead>
          <tbody><For each={props.result.items}>{(item) => <tr><For each={columns()}>{(c) => <td>{cell((item as Record<string, unknown>)[c])}</td>}</For></tr>}</For></tbody>
        </table>
      </div>
      <Show when={props.result.screenshot}>{(png) => <img class="screenshot" src={`data:image/png;base64,${png()}`} alt={t('preview.screenshot')} />}</Show>
    </div>
  );
}
