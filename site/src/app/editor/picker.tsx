import { For, Show, createSignal } from 'solid-js';
import { detailUrlsOf, type DetailTestTable } from '@trawl/engine/picker';
import { LiveBrowser, type LiveBrowserHandle, type PickKind } from '../live/LiveBrowser.tsx';
import { lt } from '../live/strings.ts';
import { getIn, type Json, type JsonObject, type Path } from './draft.ts';
import { PickedCandidates, TestResult, type Picked, type Tested } from './picker-results.tsx';
import { DetailTestResult, runDetailTest } from './picker-detail.tsx';
import { ControlTestResult, runControlTest, type ControlTest } from './picker-control.tsx';

const KINDS: PickKind[] = ['field', 'detail', 'next', 'more', 'tab'];

/** `name`, or `name_2`, `name_3`... when a field map already holds a (non-placeholder) field by that name. */
export function uniqueName(name: string, ...taken: JsonObject[]): string {
  const used = (n: string): boolean => taken.some((m) => n in m && JSON.stringify(m[n]) !== '{}');
  let unique = name;
  for (let n = 2; used(unique); n++) unique = `${name}_${n}`;
  return unique;
}

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
 * After a detail link, "Open a detail page" shows the first item's detail page in the same session: fields picked
 * there go into `detail.fields`, and each is tested on the first items' detail pages (ADR 0053).
 */
export function PickOnPage(props: { draft: () => Json; update: (path: Path, value: Json | undefined) => void }) {
  const [open, setOpen] = createSignal(false);
  const [mode, setMode] = createSignal<PickKind | null>('field');
  const [last, setLast] = createSignal<Picked | null>(null);
  const [tested, setTested] = createSignal<Tested | null>(null);
  // The detail part: the listing field holding each item's link, the detail pages to test on while one is shown.
  const [linkField, setLinkField] = createSignal<string | null>((getIn(props.draft(), ['detail', 'urlField']) as string | undefined) ?? null);
  const [detailUrls, setDetailUrls] = createSignal<string[] | null>(null);
  const [detailTest, setDetailTest] = createSignal<DetailTestTable | 'running' | null>(null);
  // The last load-more or tab control picked, and what it added on the page shown and on a sample page.
  const [control, setControl] = createSignal<ControlTest | 'running' | null>(null);
  const [shownUrl, setShownUrl] = createSignal<string | null>(null);
  let handle: LiveBrowserHandle | null = null;
  let detailRun = 0;
  let controlRun = 0;
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
    const unique = replace ? name : uniqueName(name, fields, detailFields());
    props.update(['fields', unique], field);
    return unique;
  };
  const detailFields = (): JsonObject => (getIn(props.draft(), ['detail', 'fields']) ?? {}) as JsonObject;
  // A detail field's name differs from every listing field's (the spec refuses a clash).
  const setDetailField = (name: string, field: JsonObject, replace = false): string => {
    const unique = replace ? name : uniqueName(name, (getIn(props.draft(), ['fields']) ?? {}) as JsonObject, detailFields());
    const detail = (getIn(props.draft(), ['detail']) ?? {}) as JsonObject;
    props.update(['detail'], { ...detail, urlField: linkField()!, fields: { ...detailFields(), [unique]: field } });
    return unique;
  };
  const testDetail = async (): Promise<void> => {
    const urls = detailUrls();
    if (!urls?.length || Object.keys(detailFields()).length === 0) return;
    const mine = ++detailRun;
    setDetailTest('running');
    const table = await runDetailTest(props.draft(), urls);
    if (mine === detailRun) setDetailTest(table);
  };
  const testControl = async (kind: 'loadMore' | 'panels'): Promise<void> => {
    const mine = ++controlRun;
    setControl('running');
    const result = await runControlTest(props.draft(), kind, shownUrl() ?? startUrls()[0]!, samples()[0] ?? null);
    if (mine === controlRun) setControl(result);
  };
  const openDetail = (): void => {
    const urls = detailUrlsOf(tested()?.items ?? [], linkField() ?? '');
    if (!urls.length || !handle) return;
    setDetailUrls(urls); setMode('field'); setLast(null);
    handle.send({ type: 'navigate', url: urls[0]! });
  };
  const backToList = (): void => {
    setDetailUrls(null); setLast(null);
    handle?.send({ type: 'navigate', url: startUrls()[0]! });
  };
  const onPicked = async (kind: PickKind, raw: unknown): Promise<void> => {
    const p = raw as Picked | null;
    if (!p || !p.scored?.length) return void setLast(p);
    const best = p.scored[0]!.field;
    if (detailUrls()) {
      // On a detail page the page is the item: the listing's item selector stays as it is.
      setLast({ ...p, name: setDetailField(p.name, fieldOf(best)) });
      return testDetail();
    }
    if (p.item) {
      props.update(['itemSelector'], p.item.itemSelector);
      props.update(['itemExclude'], p.item.itemExclude ?? undefined);
    }
    if (kind === 'field' || kind === 'detail') {
      const name = setField(p.name, fieldOf(best));
      setLast({ ...p, name });
      if (kind === 'detail') {
        setLinkField(name);
        if (getIn(props.draft(), ['detail'])) props.update(['detail', 'urlField'], name);
      }
    } else {
      setLast(p);
      if (kind === 'next') props.update(['pagination'], p.value ? { type: 'nextLink', selector: best.selector! } : { type: 'nextButton', selector: best.selector! });
      if (kind === 'more') props.update(['pagination'], { type: 'loadMore', selector: best.selector! });
      if (kind === 'tab') props.update(['panels'], { selector: best.selector! });
      if (kind === 'more' || kind === 'tab') void testControl(kind === 'more' ? 'loadMore' : 'panels');
    }
    await test();
  };
  // Sample pages for the robustness score: the other start URLs and the next page the last test found; on a
  // detail page, the other items' detail pages.
  const samples = (): string[] => (detailUrls()?.slice(1) ?? [...startUrls().slice(1), ...(tested()?.nextUrl ? [tested()!.nextUrl!] : [])]).slice(0, 5);
  const onUse = (name: string, f: Picked['scored'][number]['field']): void => {
    if (detailUrls()) { setDetailField(name, fieldOf(f), true); void testDetail(); }
    else { setField(name, fieldOf(f), true); void test(); }
  };

  return (
    <div class="picker" data-testid="picker">
      <Show when={open()} fallback={<button type="button" class="btn" disabled={startUrls().length === 0} onClick={() => setOpen(true)} data-testid="pick-open">{lt('pick.mode')}</button>}>
        <div class="picker-modes" role="group" aria-label={lt('pick.mode')}>
          <button type="button" class="btn small" aria-pressed={mode() === null} onClick={() => setMode(null)}>{lt('pick.off')}</button>
          <For each={detailUrls() ? ['field' as const] : KINDS}>{(k) => <button type="button" class="btn small" aria-pressed={mode() === k} onClick={() => setMode(k)} data-testid={`pick-${k}`}>{lt(`pick.${k}`)}</button>}</For>
          <Show when={!detailUrls()} fallback={<>
            <button type="button" class="btn small" disabled={Object.keys(detailFields()).length === 0} onClick={() => void testDetail()} data-testid="pick-test-detail">{lt('pick.testDetail')}</button>
            <button type="button" class="btn small" onClick={backToList} data-testid="pick-back-to-list">{lt('pick.backToList')}</button>
          </>}>
            <button type="button" class="btn small" onClick={() => void test()} data-testid="pick-test">{lt('pick.test')}</button>
            <button type="button" class="btn small" disabled={!linkField() || detailUrlsOf(tested()?.items ?? [], linkField() ?? '').length === 0} aria-describedby={linkField() ? undefined : 'pick-need-link'}
              onClick={openDetail} data-testid="pick-open-detail">{lt('pick.openDetail')}</button>
          </Show>
        </div>
        {/* Kept in the layout when not needed: a line vanishing above the live view would move what a person (or a
            pick in flight) was about to click. */}
        <p class="muted" id="pick-need-link" classList={{ invisible: !!linkField() || !!detailUrls() }}>{lt('pick.needLink')}</p>
        <p class="muted" data-testid="pick-where">{detailUrls() ? lt('pick.onDetail') : lt('pick.hint')}</p>
        <LiveBrowser socketUrl="/v1/browser/view?budgetMs=1800000&idleMs=300000" startUrl={startUrls()[0]!} picking={mode()} scope={detailUrls() ? 'page' : 'items'}
          onReady={(h) => { handle = h; }} onNavigated={(u) => { if (!detailUrls()) setShownUrl(u); }} onPicked={(k, r) => void onPicked(k, r)} samples={samples} />
        <Show when={last()}>{(p) => <PickedCandidates picked={p()} onUse={(f) => onUse(p().name, f)} />}</Show>
        <Show when={!detailUrls() && control()}>{(c) => <Show when={c() !== 'running'} fallback={<p role="status" class="loading"><span class="spinner" aria-hidden="true" />{lt('pick.controlTesting', { n: samples().length ? 2 : 1 })}</p>}>
          <ControlTestResult result={c() as ControlTest} /></Show>}</Show>
        <Show when={detailUrls()} fallback={<Show when={tested()}>{(r) => <TestResult result={r()} />}</Show>}>
          <Show when={detailTest() === 'running'}><p role="status" class="loading"><span class="spinner" aria-hidden="true" />{lt('pick.detailTesting', { n: detailUrls()!.length })}</p></Show>
          <Show when={typeof detailTest() === 'object' && detailTest()} fallback={<Show when={!detailTest()}><p class="muted">{lt('pick.noFields')}</p></Show>}>{(t) => <DetailTestResult table={t() as DetailTestTable} />}</Show>
        </Show>
      </Show>
    </div>
  );
}
