import { For, Show } from 'solid-js';
import type { CandidateField, PickResult, ScoredCandidate } from '@trawl/engine/picker';
import { lt } from '../live/strings.ts';

export type Picked = PickResult & { scored: ScoredCandidate[] };
export interface Tested { items?: Array<Record<string, unknown>>; itemCount?: number; matched?: number; nextUrl?: string | null; error?: string }

const pct = (n: number): string => `${Math.round(n * 100)}%`;
const show = (f: CandidateField): string => f.selector ?? `{label: ${JSON.stringify(f.label)}}`;

/** The last pick: how many items it generalised to, and each selector with its robustness score (best first). */
export function PickedCandidates(props: { picked: Picked; onUse: (f: CandidateField) => void }) {
  return (
    <div class="picked" data-testid="picked">
      <Show when={props.picked.item?.itemSelector !== ':root' && props.picked.item}>{(item) => <p role="status">{lt('pick.items', { n: item().count })} <code>{item().itemSelector}</code><Show when={item().itemExclude}> − <code>{item().itemExclude}</code></Show></p>}</Show>
      <div class="table-wrap" tabindex="0" role="region" aria-label={lt('pick.candidates', { field: props.picked.name })}>
        <table class="table small">
          <caption>{lt('pick.candidates', { field: props.picked.name })}</caption>
          <thead><tr><th scope="col">{lt('pick.selector')}</th><th scope="col">{lt('pick.fill')}</th><th scope="col">{lt('pick.unique')}</th><th scope="col">{lt('pick.stable')}</th><th scope="col">{lt('pick.score')}</th><th scope="col"><span class="sr-only">{lt('pick.use')}</span></th></tr></thead>
          <tbody>
            <For each={props.picked.scored}>{(c, i) => (
              <tr data-testid="candidate">
                <td><code>{show(c.field)}</code></td><td>{pct(c.fill)}</td><td>{pct(c.unique)}</td><td>{pct(c.stable)}</td><td>{c.score.toFixed(2)}</td>
                <td><Show when={i() > 0 && (props.picked.kind === 'field' || props.picked.kind === 'detail')}><button type="button" class="btn small" onClick={() => props.onUse(c.field)}>{lt('pick.use')}</button></Show></td>
              </tr>
            )}</For>
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** What the draft finds on the page shown: the items (a preview table) and the next page. */
export function TestResult(props: { result: Tested }) {
  const columns = () => Object.keys(props.result.items?.[0] ?? {});
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <div class="pick-test" data-testid="pick-test-result">
      <Show when={props.result.error}>{(e) => <p class="error-box">{e()}</p>}</Show>
      <Show when={!props.result.error}>
        <p role="status" data-testid="pick-found">{lt('pick.found', { what: `${props.result.itemCount ?? 0} / ${props.result.matched ?? 0}${props.result.nextUrl ? ` → ${props.result.nextUrl}` : ''}` })}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label={lt('pick.test')}>
          <table class="table small" data-testid="pick-preview">
            <thead><tr><For each={columns()}>{(c) => <th scope="col">{c}</th>}</For></tr></thead>
            <tbody><For each={props.result.items ?? []}>{(item) => <tr><For each={columns()}>{(c) => <td>{cell(item[c])}</td>}</For></tr>}</For></tbody>
          </table>
        </div>
      </Show>
    </div>
  );
}
