import { For, Show, createSignal } from 'solid-js';
import { LiveBrowser, type LiveBrowserHandle, type PickKind } from '../live/LiveBrowser.tsx';
import { lt } from '../live/strings.ts';
import { getIn, type Json, type JsonObject, type Path } from './draft.ts';
import { PickedCandidates, TestResult, type Picked, type Tested } from './picker-results.tsx';

const KINDS: PickKind[] = ['field', 'detail', 'next', 'more', 'tab'];

/** The spec field for a candidate: only what differs from the defaults. */
export function fieldOf(c: Picked['scored'][number]['field']): JsonObject {
  const f: JsonObject = {};
  if (c.selector !== undefined) f.selector = c.selector;
  if (c.label !== undefined) f.label = c.label;
  if (c.source === 'attr' && c.attr) Object.assign(f, { source: 'attr', attr: c.attr, process: [{ op: 'trim' }, { op: 'absoluteUrl' }] });
  return f;
}

/**
 * "Pick on page" in the job editor (ADR 0043): a live browser on the first start URL; hovering outlines what a
 * click would pick, a click fills the draft (item selector and look-alike exclusion, a field with its best-scored
 * selector, pagination, load-more, tabs), and each pick is tested on the page at once (the preview table below).
 */
export function PickOnPage(props: { draft: () => Json; update: (path: Path, value: Json | undefined) => void }) {
  const [open, setOpen] = createSignal(false);
  const [mode, setMode] = createSignal<PickKind | null>('field');
  const [last, setLast] = createSignal<Picked | null>(null);
  const [tested, setTested] = createSignal<Tested | null>(null);
  let handle: LiveBrowserHandle | null = null;
  const startUrls = (): string[] => ((getIn(props.draft(), ['startUrls']) ?? []) as string[]).filter((u) => typeof u === 'string' && /^https?:/.test(u));

  const test = async (): Promise<void> => {
    if (!handle) return;
    const { startUrls: _s, ...spec } = props.draft() as JsonObject;
    setTested(await handle.request({ type: 'test', spec }) as Tested);
  };
  const setField = (name: string, field: JsonObject, replace = false): string => {
    const fields = (getIn(props.draft(), ['fields']) ?? {}) as JsonObject;
    // The new draft's placeholder field goes with the first pick.
    if (Object.keys(fields).length === 1 && JSON.stringify(fields.title) === '{}') props.update(['fields', 'title'], undefined);
    let unique = name;
    for (let n = 2; !replace && unique in fields && JSON.stringify(fields[unique]) !== '{}'; n++) unique = `${name}_${n}`;
    props.update(['fields', unique], field);
    return unique;
  };
  const onPicked = async (kind: PickKind, raw: unknown): Promise<void> => {
    const p = raw as Picked | null;
    if (!p || !p.scored?.length) return void setLast(p);
    const best = p.scored[0]!.field;
    if (p.item) {
      props.update(['itemSelector'], p.item.itemSelector);
      props.update(['itemExclude'], p.item.itemExclude ?? undefined);
    }
    if (kind === 'field' || kind === 'detail') setLast({ ...p, name: setField(p.name, fieldOf(best)) });
    else {
      setLast(p);
      if (kind === 'next') props.update(['pagination'], p.value ? { type: 'nextLink', selector: best.selector! } : { type: 'nextButton', selector: best.selector! });
      if (kind === 'more') props.update(['pagination'], { type: 'loadMore', selector: best.selector! });
      if (kind === 'tab') props.update(['panels'], { selector: best.selector! });
    }
    await test();
  };
  // Sample pages for the robustness score: the other start URLs and the next page the last test found.
  const samples = (): string[] => [...startUrls().slice(1), ...(tested()?.nextUrl ? [tested()!.nextUrl!] : [])].slice(0, 5);

  return (
    <div class="picker" data-testid="picker">
      <Show when={open()} fallback={<button type="button" class="btn" disabled={startUrls().length === 0} onClick={() => setOpen(true)} data-testid="pick-open">{lt('pick.mode')}</button>}>
        <div class="picker-modes" role="group" aria-label={lt('pick.mode')}>
          <button type="button" class="btn small" aria-pressed={mode() === null} onClick={() => setMode(null)}>{lt('pick.off')}</button>
          <For each={KINDS}>{(k) => <button type="button" class="btn small" aria-pressed={mode() === k} onClick={() => setMode(k)} data-testid={`pick-${k}`}>{lt(`pick.${k}`)}</button>}</For>
          <button type="button" class="btn small" onClick={() => void test()} data-testid="pick-test">{lt('pick.test')}</button>
        </div>
        <p class="muted">{lt('pick.hint')}</p>
        <LiveBrowser socketUrl="/v1/browser/view?budgetMs=1800000&idleMs=300000" startUrl={startUrls()[0]!} picking={mode()}
          onReady={(h) => { handle = h; }} onPicked={(k, r) => void onPicked(k, r)} samples={samples} />
        <Show when={last()}>{(p) => <PickedCandidates picked={p()} onUse={(f) => { setField(p().name, fieldOf(f), true); void test(); }} />}</Show>
        <Show when={tested()}>{(r) => <TestResult result={r()} />}</Show>
      </Show>
    </div>
  );
}
