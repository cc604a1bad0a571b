import { For, Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { ViewClientInput, ViewRect, ViewServerMessage } from '@trawl/schemas';
import { lt } from './strings.ts';
import './live.css';

export type PickKind = 'field' | 'next' | 'more' | 'detail' | 'tab';
type Frame = Extract<ViewServerMessage, { type: 'frame' }>;

/** What a parent can do with a live browser once it is open (handed over by `onReady`). */
export interface LiveBrowserHandle {
  send(m: ViewClientInput): void;
  /** A `pick` or `test`: sent with a fresh id, answered by the `picked`/`tested` message with that id. */
  request(m: { type: 'pick'; x: number; y: number; kind: PickKind; samples?: string[]; scope?: 'items' | 'page' } | { type: 'test'; spec: Record<string, unknown> }): Promise<unknown>;
  close(): void;
}

export interface LiveBrowserProps {
  /** The view WebSocket's path or URL, e.g. `/v1/browser/view` (opened with the page's cookie; same origin only). */
  socketUrl: string;
  /** Opened once the socket is up. */
  startUrl?: string;
  /** Frames only: no input is sent (watching a task, another person's session). */
  readOnly?: boolean;
  /** While set, hovering outlines what would be picked and a click picks it (instead of clicking the page). */
  picking?: PickKind | null;
  onReady?: (h: LiveBrowserHandle) => void;
  onPicked?: (kind: PickKind, result: unknown) => void;
  onNavigated?: (url: string, title: string) => void;
  onClosed?: (why: string) => void;
  /** Pages a pick's selectors are also scored on (the other start URLs, the next page). */
  samples?: () => string[];
  /** `page` on a detail page: a picked field is read from the whole page, not a repeating item (ADR 0053). */
  scope?: 'items' | 'page';
}

/**
 * A browser shown live in the app (ADR 0043): the session's screencast frames, with mouse, wheel and keyboard sent
 * back in page coordinates. Reused by the picker (editor) and by the live view of tasks and login hand-off.
 */
export function LiveBrowser(props: LiveBrowserProps) {
  const [frame, setFrame] = createSignal<Frame | null>(null);
  const [url, setUrl] = createSignal(props.startUrl ?? '');
  const [closed, setClosed] = createSignal<string | null>(null);
  const [hl, setHl] = createSignal<{ rects: ViewRect[]; item: ViewRect[] }>({ rects: [], item: [] });
  const waiting = new Map<number, (v: unknown) => void>();
  let nextId = 1;
  let ws: WebSocket | null = null;
  let surface: HTMLDivElement | undefined;
  const rectOf = (): DOMRect => surface?.getBoundingClientRect() ?? new DOMRect(0, 0, 1, 1);

  const send = (m: ViewClientInput): void => {
    if (ws?.readyState === WebSocket.OPEN && !props.readOnly) ws.send(JSON.stringify(m));
  };
  const handle: LiveBrowserHandle = {
    send,
    request: (m) => new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      send({ ...m, id });
    }),
    close: () => ws?.close(),
  };
  onMount(() => {
    const target = new URL(props.socketUrl, location.href);
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(target);
    ws.onopen = () => {
      if (props.startUrl) send({ type: 'navigate', url: props.startUrl });
      props.onReady?.(handle);
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      const m = JSON.parse(e.data) as ViewServerMessage;
      if (m.type === 'frame') setFrame(m);
      else if (m.type === 'navigated') { setUrl(m.url); props.onNavigated?.(m.url, m.title); }
      else if (m.type === 'highlight') setHl({ rects: m.rects, item: m.item });
      else if (m.type === 'picked' || m.type === 'tested' || (m.type === 'error' && m.id !== undefined)) {
        const id = m.id ?? -1;
        waiting.get(id)?.(m.type === 'error' ? { error: m.message } : m.result);
        waiting.delete(id);
      }
    };
    ws.onclose = (e) => { setClosed(e.reason || String(e.code)); props.onClosed?.(e.reason || String(e.code)); };
  });
  onCleanup(() => ws?.close());

  /** A pointer position on the shown frame, in the page's CSS pixels. */
  const at = (e: MouseEvent): { x: number; y: number } => {
    const r = rectOf();
    const f = frame();
    const sx = f ? f.width / r.width : 1;
    return { x: Math.round((e.clientX - r.left) * sx), y: Math.round((e.clientY - r.top) * sx) };
  };
  const scale = (): number => rectOf().width / (frame()?.width ?? rectOf().width);
  const box = (r: ViewRect) => ({ left: `${r.x * scale()}px`, top: `${r.y * scale()}px`, width: `${r.width * scale()}px`, height: `${r.height * scale()}px` });
  const onMove = (e: MouseEvent) => send(props.picking ? { type: 'hover', ...at(e), scope: props.scope ?? 'items' } : { type: 'mouse', action: 'move', ...at(e) });
  const onClick = async (e: MouseEvent) => {
    surface?.focus();
    const kind = props.picking;
    if (!kind) return send({ type: 'mouse', action: 'click', ...at(e) });
    props.onPicked?.(kind, await handle.request({ type: 'pick', kind, ...at(e), samples: props.samples?.() ?? [], scope: props.scope ?? 'items' }));
  };
  const onKey = (e: KeyboardEvent) => {
    if (props.readOnly || e.key === 'Tab') return;
    e.preventDefault();
    if (e.key.length === 1 && !e.ctrlKey && !e.metaKey) send({ type: 'text', text: e.key });
    else send({ type: 'key', action: 'press', key: e.key });
  };
  return (
    <div class="live-browser" data-testid="live-browser">
      <Show when={!props.readOnly}>
        <form class="live-address" onSubmit={(e) => { e.preventDefault(); send({ type: 'navigate', url: url() }); }}>
          <button type="button" onClick={() => send({ type: 'back' })}>{lt('live.back')}</button>
          <label>{lt('live.address')} <input type="url" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} data-testid="live-url" /></label>
          <button type="submit">{lt('live.go')}</button>
        </form>
      </Show>
      <Show when={props.readOnly}><p class="live-readonly">{lt('live.readOnly')}</p></Show>
      <div ref={(el) => { surface = el; }} class="live-surface" role="application" tabindex="0" aria-label={lt('live.region', { url: url() })} data-testid="live-surface"
        onMouseMove={onMove} onClick={(e) => void onClick(e)} onKeyDown={onKey}
        onWheel={(e) => { if (!props.readOnly) { e.preventDefault(); send({ type: 'wheel', ...at(e), dx: e.deltaX, dy: e.deltaY }); } }}>
        <Show when={frame()} fallback={<p class="live-wait">{closed() ? lt('live.closed', { why: closed() ?? '' }) : lt('live.connecting')}</p>}>
          {(f) => <img src={`data:image/jpeg;base64,${f().data}`} alt="" draggable={false} data-testid="live-frame" />}
        </Show>
        <Show when={props.picking}>
          <For each={hl().item}>{(r) => <div class="live-hl item" style={box(r)} />}</For>
          <For each={hl().rects}>{(r) => <div class="live-hl" style={box(r)} />}</For>
        </Show>
      </div>
      <Show when={closed() && frame()}><p role="status">{lt('live.closed', { why: closed() ?? '' })}</p></Show>
    </div>
  );
}
