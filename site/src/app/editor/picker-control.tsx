import { For, Show } from 'solid-js';
import { controlSteps, controlVerdict, type ControlKind, type ControlStep, type ControlVerdict } from '@trawl/engine/picker';
import { ApiFailure, api, call, type ApiData } from '../api.ts';
import { CodeLink } from '../ui/error-box.tsx';
import { lt } from '../live/strings.ts';
import type { Json } from './draft.ts';

type Preview = ApiData<'/v1/preview', 'post'>;

export interface ControlPage { url: string; steps: ControlStep[]; error: { code: string; message: string } | null }
export interface ControlTest { kind: ControlKind; shown: ControlPage; sample: ControlPage | null; verdict: ControlVerdict }

/** One page through the listing preview (the runner's own load-more and tab loops), read as what each step added. */
async function onPage(spec: Json, url: string, kind: ControlKind): Promise<ControlPage> {
  try {
    const res = await call<Preview>(api.POST('/v1/preview', { body: { spec, url, screenshot: false } as never }));
    return { url, steps: controlSteps(kind, res.steps), error: res.error ? { code: res.error.code, message: res.error.message } : null };
  } catch (err) {
    return { url, steps: [], error: err instanceof ApiFailure ? { code: err.body.code, message: err.body.message } : { code: 'INTERNAL', message: String(err) } };
  }
}

/**
 * The test of a load-more or tab control (ADR 0053): the draft previewed on the page shown and on one sample page
 * (another start URL or the next page), one after the other, each bounded by the preview's time limit.
 */
export async function runControlTest(spec: Json, kind: ControlKind, shownUrl: string, sampleUrl: string | null): Promise<ControlTest> {
  const shown = await onPage(spec, shownUrl, kind);
  const sample = sampleUrl ? await onPage(spec, sampleUrl, kind) : null;
  return { kind, shown, sample, verdict: controlVerdict(shown.steps, sample?.steps ?? null) };
}

/** Per page, what each press or tab added, and the flag when the control adds items on the page shown only. */
export function ControlTestResult(props: { result: ControlTest }) {
  const step = (s: ControlStep) => (props.result.kind === 'loadMore' ? lt('pick.press', { n: s.label, added: s.added }) : lt('pick.tabAdded', { label: s.label, added: s.added }));
  const pages = () => [{ name: lt('pick.shownPage'), page: props.result.shown }, ...(props.result.sample ? [{ name: lt('pick.samplePage'), page: props.result.sample }] : [])];
  const flagged = () => props.result.verdict !== 'everywhere' && props.result.verdict !== 'noSample';
  return (
    <div class="pick-test" data-testid="control-test">
      <p role="status" class={flagged() ? 'bad' : 'ok'} data-testid="control-verdict">{lt(`pick.v.${props.result.verdict}`)}</p>
      <div class="table-wrap" tabindex="0" role="region" aria-label={lt('pick.controlTest')}>
        <table class="table small" data-testid="control-table">
          <caption>{lt('pick.controlTest')}</caption>
          <thead><tr><th scope="col">{lt('pick.page')}</th><th scope="col">URL</th><th scope="col">{lt('pick.added')}</th></tr></thead>
          <tbody>
            <For each={pages()}>{(p) => (
              <tr>
                <th scope="row">{p.name}</th>
                <td><code>{p.page.url}</code></td>
                <td><Show when={p.page.error} fallback={p.page.steps.map(step).join(', ') || '0'}>{(e) => <><CodeLink code={e().code} /> {e().message}</>}</Show></td>
              </tr>
            )}</For>
          </tbody>
        </table>
      </div>
    </div>
  );
}
