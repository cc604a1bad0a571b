import { For, Show } from 'solid-js';
import { detailTestTable, type DetailPageOutcome, type DetailTestTable } from '@trawl/engine/picker';
import { ApiFailure, api, call, type ApiData } from '../api.ts';
import { CodeLink } from '../ui/error-box.tsx';
import { lt } from '../live/strings.ts';
import type { Json, JsonObject } from './draft.ts';

type Preview = ApiData<'/v1/preview', 'post'>;

/**
 * The detail test (ADR 0053): each detail URL through the preview endpoint's detail part, one after another, so
 * each page runs on a fleet node exactly as a run's detail task would (the organization's egress policy, rules,
 * the engine), each bounded by the preview's own time limit; the person's view session is left where it is.
 */
export async function runDetailTest(spec: Json, urls: readonly string[]): Promise<DetailTestTable> {
  const pages: DetailPageOutcome[] = [];
  for (const url of urls) {
    try {
      const res = await call<Preview>(api.POST('/v1/preview', { body: { spec, url, part: 'detail', screenshot: false } as never }));
      pages.push(res.error ? { url, error: { code: res.error.code, message: res.error.message } } : { url, values: (res.items[0] ?? {}) as Record<string, unknown> });
    } catch (err) {
      pages.push({ url, error: err instanceof ApiFailure ? { code: err.body.code, message: err.body.message } : { code: 'INTERNAL', message: String(err) } });
    }
  }
  const fields = Object.keys(((spec as JsonObject).detail as JsonObject | undefined)?.fields as JsonObject | undefined ?? {});
  return detailTestTable(fields, pages);
}

const pct = (n: number): string => `${Math.round(n * 100)}%`;

/** The detail test's table: per detail URL the fields found or the failure's code, and each field's fill below. */
export function DetailTestResult(props: { table: DetailTestTable }) {
  const ok = () => props.table.rows.length - props.table.failed;
  return (
    <div class="pick-test" data-testid="detail-test">
      <p role="status" data-testid="detail-found">{lt('pick.detailFound', { ok: ok(), n: props.table.rows.length })}</p>
      <div class="table-wrap" tabindex="0" role="region" aria-label={lt('pick.detailTable', { n: props.table.rows.length })}>
        <table class="table small" data-testid="detail-table">
          <caption>{lt('pick.detailTable', { n: props.table.rows.length })}</caption>
          <thead><tr><th scope="col">{lt('pick.detailPage')}</th><For each={props.table.fields}>{(f) => <th scope="col">{f}</th>}</For><th scope="col">{lt('pick.result')}</th></tr></thead>
          <tbody>
            <For each={props.table.rows}>{(r) => (
              <tr>
                <th scope="row"><code>{r.url}</code></th>
                <For each={props.table.fields}>{(f) => <td>{r.values[f] ?? ''}</td>}</For>
                <td><Show when={r.error} fallback={lt('pick.ok')}>{(e) => <><CodeLink code={e().code} /> {e().message}</>}</Show></td>
              </tr>
            )}</For>
          </tbody>
          <tfoot><tr data-testid="detail-fill"><th scope="row">{lt('pick.fill')}</th><For each={props.table.fields}>{(f) => <td>{pct(props.table.fill[f] ?? 0)}</td>}</For><td /></tr></tfoot>
        </table>
      </div>
    </div>
  );
}
