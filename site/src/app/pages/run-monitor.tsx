import { For, Show, createMemo, createResource, createSignal, onCleanup, onMount } from 'solid-js';
import type { RunEvent } from '@trawl/schemas';
import { api, call, type ApiData, type Run } from '../api.ts';
import { errorHint, formatDuration, formatTime, t } from '../i18n/index.ts';
import { CodeLink, ErrorBox, Loading } from '../ui/error-box.tsx';
import { StatusPill } from '../ui/status.tsx';
import { RunShares } from './run-shares.tsx';
import { RunChanges } from './run-changes.tsx';
import { GuardedButton } from '../ui/guarded.tsx';
import { followRun, type EventStream } from '../run-events.ts';
import { LiveTasksPanel } from '../live/task-live-view.tsx';

type Artifacts = ApiData<'/v1/runs/{id}/artifacts', 'get'>;
interface Failure { code: string; message: string; hint?: string; url?: string; step?: string; field?: string; attempt?: number; taskId?: string }
declare global { interface Window { __trawlRunStream?: EventStream } }

const FINAL = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

/** The run monitor: live board, the event stream (resumed after drops), errors by code, artifacts, cancel, share. */
export function RunMonitorPage() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [run, setRun] = createSignal<Run | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [events, setEvents] = createSignal<RunEvent[]>([]);
  const [socketState, setSocketState] = createSignal<'open' | 'reconnecting' | 'ended' | 'connecting'>('connecting');
  const [artifacts, { refetch: refetchArtifacts }] = createResource(() => call<Artifacts>(api.GET('/v1/runs/{id}/artifacts', { params: { path: { id } } })).catch(() => ({ data: [] })));
  const [cancelError, setCancelError] = createSignal<unknown>(null);
  const [shareCopied, setShareCopied] = createSignal(false);

  const load = async () => {
    try { setRun(await call<Run>(api.GET('/v1/runs/{id}', { params: { path: { id } } }))); }
    catch (err) { setError(err); }
  };
  let poll: ReturnType<typeof setInterval> | undefined;
  onMount(() => {
    void load();
    // Counts come from the run itself; polling also keeps the session fresh during a long run.
    poll = setInterval(() => { if (!FINAL.has(run()?.status ?? '')) void load(); }, 2000);
    window.__trawlRunStream = followRun(id, {
      onEvent: (e) => setEvents((list) => [...list, e]),
      onEnd: () => { void load(); void refetchArtifacts(); },
      onState: setSocketState,
    });
  });
  onCleanup(() => { clearInterval(poll); window.__trawlRunStream?.close(); });

  const failures = createMemo(() => {
    const groups = new Map<string, Failure[]>();
    for (const e of events()) {
      const f = (e.data as { error?: Failure } | undefined)?.error;
      if ((e.type === 'task.failed' || e.type === 'task.retrying') && f) groups.set(f.code, [...(groups.get(f.code) ?? []), { ...f, taskId: e.taskId }]);
    }
    return [...groups.entries()];
  });
  const screenshots = () => (artifacts()?.data ?? []).filter((a) => a.kind === 'screenshot').slice(-8);
  const traces = () => (artifacts()?.data ?? []).filter((a) => a.kind !== 'screenshot');
  // The trace of a failed attempt, by task and attempt. Its viewer link opens at the failing action: the viewer selects
  // the last action with an error, and a trace holds one attempt, which stops at its failure.
  const traceOf = (f: Failure) => (artifacts()?.data ?? []).find((a) => a.kind === 'trace' && a.taskId === f.taskId && a.attempt === f.attempt);

  async function cancel() {
    setCancelError(null);
    try { setRun(await call<Run>(api.POST('/v1/runs/{id}/cancel', { params: { path: { id } } }))); } catch (err) { setCancelError(err); }
  }
  async function share() {
    await navigator.clipboard?.writeText(`${location.origin}/app/runs/?id=${id}`).catch(() => undefined);
    setShareCopied(true);
  }

  return (
    <Show when={!error()} fallback={<ErrorBox error={error()} />}>
      <Show when={run()} fallback={<Loading />}>{(r) => (
        <section>
          <div class="page-head">
            <h1>{t('run.title', { id })}</h1>
            <StatusPill status={r().status} />
            <Show when={r().status === 'succeeded' && (r().warnings ?? []).length > 0}><span class="pill pill-partial" data-testid="with-warnings">{t('run.withWarnings')}</span></Show>
            <a href={`/app/jobs/edit/?id=${r().jobId}`}>{t('run.job')}</a>
            <Show when={FINAL.has(r().status)}><a class="btn" href={`/app/results/?run=${id}`} data-testid="results-link">{t('run.results')}</a></Show>
          </div>
          <div class="toolbar">
            <Show when={!FINAL.has(r().status)}><GuardedButton permission="runs:write" onClick={() => void cancel()} testId="cancel-run">{t('run.cancel')}</GuardedButton></Show>
            <button type="button" class="btn" onClick={() => void share()}>{t('run.share')}</button>
            <Show when={shareCopied()}><span role="status" class="muted">{t('run.shareCopied')}</span></Show>
          </div>
          <Show when={cancelError()}><ErrorBox error={cancelError()} /></Show>
          <Show when={!FINAL.has(r().status)}><LiveTasksPanel runId={id} running={!FINAL.has(r().status)} /></Show>
          <dl class="board" data-testid="board" aria-live="polite">
            <div><dt>{t('run.pagesDone')}</dt><dd data-testid="board-done">{r().counts.pagesSucceeded}</dd></div>
            <div><dt>{t('run.queued')}</dt><dd data-testid="board-queued">{r().counts.pagesPending}</dd></div>
            <div><dt>{t('run.failed')}</dt><dd data-testid="board-failed">{r().counts.pagesFailed}</dd></div>
            <div><dt>{t('run.items')}</dt><dd data-testid="board-items">{r().counts.items}</dd></div>
            <div><dt>{t('run.retries')}</dt><dd data-testid="board-retries">{r().counts.retries}</dd></div>
            <div><dt>{t('run.duration')}</dt><dd>{formatDuration(r().durationMs)}</dd></div>
          </dl>
          <Show when={r().error}>{(e) => <div class="error-box" role="alert"><CodeLink code={e().code} /> {e().message}<Show when={errorHint(e().code, e().hint)}><p class="error-hint">{errorHint(e().code, e().hint)}</p></Show></div>}</Show>
          {/* A run that ended while not doing part of its work says so here, as loudly as an error (ADR 0028). */}
          <Show when={(r().warnings ?? []).length > 0}>
            <section class="warning-box" role="status" aria-labelledby="warnings-head" data-testid="run-warnings">
              <h2 id="warnings-head">{t('run.warningsHead', { n: r().warnings.length })}</h2>
              <p class="small">{t('run.warningsAbout')}</p>
              <ul><For each={r().warnings}>{(w) => <li data-code={w.code}><code>{w.code}</code> {w.message}</li>}</For></ul>
            </section>
          </Show>
          <RunChanges run={r()} onAccepted={setRun} />
          <div class="two-col">
            <section aria-labelledby="errors-head">
              <h2 id="errors-head">{t('run.errors')}</h2>
              <Show when={failures().length > 0} fallback={<p class="muted">{t('run.noErrors')}</p>}>
                <For each={failures()}>{([code, list]) => (
                  <details class="error-group" open>
                    {/* A summary holds no link (nested controls): the code's guide link is the first line inside. */}
                    <summary><code>{code}</code> × {list.length}</summary>
                    <p class="small"><CodeLink code={code} /> {t('run.guideFor')}</p>
                    <Show when={errorHint(code, list[0]?.hint)}><p class="error-hint">{errorHint(code, list[0]?.hint)}</p></Show>
                    <ul>
                      <For each={list.slice(0, 20)}>{(f) => (
                        <li><span class="small">{f.url}</span>{f.step ? ` · ${t('run.step')}: ${f.step}` : ''}{f.field ? ` · ${t('run.field')}: ${f.field}` : ''}{f.attempt ? ` · #${f.attempt}` : ''}
                          <Show when={traceOf(f)?.viewerUrl}>{(href) => <> · <a href={href()} data-testid="failure-trace">{t('run.traceAtFailure', { step: f.step ?? '?' })}</a></>}</Show></li>
                      )}</For>
                    </ul>
                  </details>
                )}</For>
              </Show>
              <h2>{t('run.artifacts')}</h2>
              <Show when={!artifacts.loading} fallback={<Loading />}>
                <Show when={traces().length > 0} fallback={<p class="muted">{t('run.noArtifacts')}</p>}>
                  <ul><For each={traces()}>{(a) => <li><a href={a.viewerUrl ?? a.url}>{a.kind === 'trace' ? t('run.openTrace') : 'HAR'}</a> <span class="muted small">{a.taskId} #{a.attempt}</span></li>}</For></ul>
                </Show>
                <div class="thumbs"><For each={screenshots()}>{(a) => <a href={a.url}><img src={a.url} alt={t('run.screenshotOf', { task: a.taskId, name: a.name })} loading="lazy" /></a>}</For></div>
              </Show>
            </section>
            <section aria-labelledby="events-head">
              <h2 id="events-head">{t('run.events')} <span class="muted small" data-testid="socket-state">{t(`run.socket.${socketState()}`)}</span></h2>
              <ol class="events" data-testid="events" tabindex="0" aria-labelledby="events-head">
                <For each={events()}>{(e) => (
                  <li data-seq={e.seq} class={`ev ev-${e.level}`}>
                    <span class="ev-seq">{e.seq}</span> <span class="ev-type">{e.type}</span> <span class="ev-msg">{e.message}</span>
                    <span class="ev-time muted small">{formatTime(e.ts)}</span>
                  </li>
                )}</For>
              </ol>
            </section>
          </div>
          <RunShares runId={id} />
        </section>
      )}</Show>
    </Show>
  );
}
