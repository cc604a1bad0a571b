/**
 * The share page's island (/app/share/?token=…): a read-only run board for someone without an account. It is its
 * own island, apart from app.tsx, because the app's session (GET /v1/me, a sign-in redirect on 401) must never start
 * here: everything it reads comes from /v1/shared/* with the link's token.
 */
import { For, Show, createMemo, createSignal, onCleanup, onMount } from 'solid-js';
import type { RunEvent } from '@trawl/schemas';
import { ApiFailure } from './api.ts';
import { formatDuration, formatTime, lang, setLang, t, type Lang } from './i18n/index.ts';
import { CodeLink, ErrorBox, Loading } from './ui/error-box.tsx';
import { StatusPill } from './ui/status.tsx';
import { toApiError } from '@trawl/client';

interface Board {
  share: { expiresAt: number; showResults: boolean };
  run: { id: string; jobName: string; status: string; counts: Record<string, number>; error: { code: string; message: string; hint?: string } | null; durationMs: number | null; createdAt: number };
}
const FINAL = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

async function shared<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'omit' });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiFailure(toApiError(body, res.status), res.status);
  return body as T;
}

export default function ShareApp() {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const q = `token=${encodeURIComponent(token)}`;
  const [board, setBoard] = createSignal<Board | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const [events, setEvents] = createSignal<RunEvent[]>([]);
  const [items, setItems] = createSignal<Array<Record<string, unknown>> | null>(null);
  let socket: WebSocket | null = null;
  let lastSeq = 0;
  let stopped = false;
  let poll: ReturnType<typeof setInterval> | undefined;

  const load = async () => {
    try {
      const b = await shared<Board>(`/v1/shared/run?${q}`);
      setBoard(b);
      if (FINAL.has(b.run.status)) {
        clearInterval(poll);
        if (b.share.showResults && items() === null) setItems(await shared(`/v1/shared/results?${q}`));
      }
    } catch (err) { setFailure(err); clearInterval(poll); stopped = true; socket?.close(); }
  };
  // The live events, resumed from the last seq after a drop (as the run monitor does).
  const connect = (attempt = 0) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/v1/shared/events?${q}&after=${lastSeq}`);
    socket = ws;
    ws.onmessage = (m) => {
      const e = JSON.parse(String(m.data)) as RunEvent | { type: 'stream.end' };
      if (e.type === 'stream.end') { stopped = true; ws.close(); void load(); return; }
      const ev = e as RunEvent;
      if (ev.seq <= lastSeq) return;
      lastSeq = ev.seq;
      setEvents([...events(), ev].slice(-500));
    };
    ws.onclose = () => { if (!stopped && socket === ws) setTimeout(() => connect(attempt + 1), Math.min(5000, 250 * 2 ** attempt)); };
  };
  onMount(() => {
    document.title = `${t('share.pageTitle')} · Trawl`;
    // The token is in this page's URL: no link from here may carry it out in a Referer.
    const meta = Object.assign(document.createElement('meta'), { name: 'referrer', content: 'no-referrer' });
    document.head.append(meta);
    if (!token) return;
    void load().then(() => { if (!failure()) connect(); });
    poll = setInterval(() => void load(), 2000);
  });
  onCleanup(() => { stopped = true; clearInterval(poll); socket?.close(); });

  const errorsByCode = createMemo(() => {
    const counts = new Map<string, number>();
    for (const e of events()) {
      const code = (e.data as { error?: { code?: string } } | undefined)?.error?.code;
      if (code && (e.type === 'task.failed' || e.type === 'task.retrying')) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    return [...counts.entries()];
  });
  const columns = () => [...new Set((items() ?? []).flatMap((row) => Object.keys(row)))];

  return (
    <div class="app">
      <a class="skip-link" href="#app-main">{t('nav.skip')}</a>
      <header class="app-header">
        <span class="brand">Trawl</span>
        <div class="app-tools">
          <label>
            <span class="sr-only">{t('lang.label')}</span>
            <select aria-label={t('lang.label')} value={lang()} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
              <option value="en">English</option>
              <option value="ko">한국어</option>
            </select>
          </label>
        </div>
      </header>
      <main id="app-main" tabindex="-1" class="app-main">
        <Show when={token} fallback={<p class="why-disabled" data-testid="share-no-token">{t('share.noToken')}</p>}>
          <Show when={!failure()} fallback={<ErrorBox error={failure()} />}>
            <Show when={board()} fallback={<Loading />}>{(b) => (
              <section data-testid="shared-run">
                <div class="page-head">
                  <h1>{t('share.pageTitle')}: {b().run.jobName}</h1>
                  <StatusPill status={b().run.status} />
                </div>
                <p class="muted small">{t('share.readOnly')} {t('share.validUntil', { time: formatTime(b().share.expiresAt) })}</p>
                <dl class="board" data-testid="board" aria-live="polite" aria-label={t('share.counts')}>
                  <div><dt>{t('run.pagesDone')}</dt><dd data-testid="board-done">{b().run.counts.pagesSucceeded}</dd></div>
                  <div><dt>{t('run.queued')}</dt><dd data-testid="board-queued">{b().run.counts.pagesPending}</dd></div>
                  <div><dt>{t('run.failed')}</dt><dd data-testid="board-failed">{b().run.counts.pagesFailed}</dd></div>
                  <div><dt>{t('run.items')}</dt><dd data-testid="board-items">{b().run.counts.items}</dd></div>
                  <div><dt>{t('run.duration')}</dt><dd>{formatDuration(b().run.durationMs)}</dd></div>
                </dl>
                <Show when={b().run.error}>{(e) => <div class="error-box" role="alert"><CodeLink code={e().code} /> {e().message}<Show when={e().hint}><p class="error-hint">{e().hint}</p></Show></div>}</Show>
                <div class="two-col">
                  <section aria-labelledby="share-errors-head">
                    <h2 id="share-errors-head">{t('share.errorsByCode')}</h2>
                    <Show when={errorsByCode().length > 0} fallback={<p class="muted">{t('share.noErrors')}</p>}>
                      <ul class="plain-list" data-testid="share-errors"><For each={errorsByCode()}>{([code, n]) => <li><CodeLink code={code} /> × {n}</li>}</For></ul>
                    </Show>
                  </section>
                  <section aria-labelledby="share-events-head">
                    <h2 id="share-events-head">{t('share.events')}</h2>
                    <ol class="events" data-testid="events" tabindex="0" aria-labelledby="share-events-head">
                      <For each={events()}>{(e) => (
                        <li data-seq={e.seq} class={`ev ev-${e.level}`}><span class="ev-seq">{e.seq}</span> <span class="ev-type">{e.type}</span> <span class="ev-msg">{e.message}</span> <span class="ev-time muted small">{formatTime(e.ts)}</span></li>
                      )}</For>
                    </ol>
                  </section>
                </div>
                <Show when={items()}>{(rows) => (
                  <section aria-labelledby="share-results-head">
                    <h2 id="share-results-head">{t('share.results')}</h2>
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="share-results-head"><table class="table small" data-testid="share-results">
                      <thead><tr><For each={columns()}>{(c) => <th scope="col">{c}</th>}</For></tr></thead>
                      <tbody><For each={rows().slice(0, 200)}>{(row) => <tr><For each={columns()}>{(c) => <td>{row[c] === undefined || row[c] === null ? '' : typeof row[c] === 'object' ? JSON.stringify(row[c]) : String(row[c])}</td>}</For></tr>}</For></tbody>
                    </table></div>
                  </section>
                )}</Show>
              </section>
            )}</Show>
          </Show>
        </Show>
      </main>
    </div>
  );
}
