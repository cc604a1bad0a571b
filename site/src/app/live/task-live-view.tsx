import { For, Show, createResource, createSignal, onCleanup } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { t } from '../i18n/index.ts';

type LiveTasks = ApiData<'/v1/runs/{id}/live', 'get'>;
type Frame = { type: 'frame'; data: string; width: number; height: number; url: string };

/**
 * The run monitor's "Watch live" (issue #13 §2, ADR 0044): the run's tasks in flight, and a read-only view of the
 * one chosen. The view's WebSocket is open only while the panel is: the node screencasts the page for exactly as long.
 */
export function LiveTasksPanel(props: { runId: string; running: boolean }) {
  const [tasks, { refetch }] = createResource(() => call<LiveTasks>(api.GET('/v1/runs/{id}/live', { params: { path: { id: props.runId } } })).catch(() => ({ data: [] })));
  const [watching, setWatching] = createSignal<{ taskId: string; url: string } | null>(null);
  const poll = setInterval(() => { if (props.running) void refetch(); }, 2000);
  onCleanup(() => clearInterval(poll));
  return (
    <section aria-labelledby="live-head" data-testid="live-tasks">
      <h2 id="live-head">{t('live.head')}</h2>
      <Show when={(tasks()?.data ?? []).length > 0} fallback={<p class="muted">{t('live.none')}</p>}>
        <ul class="live-list">
          <For each={tasks()?.data ?? []}>{(task) => (
            <li><span class="small">{task.url}</span>{' '}
              <button type="button" class="btn btn-small" data-testid="watch-live" aria-pressed={watching()?.taskId === task.taskId}
                onClick={() => setWatching({ taskId: task.taskId, url: task.url })}>{t('live.watch')}</button></li>
          )}</For>
        </ul>
      </Show>
      <Show when={watching()} keyed>{(w) => <TaskLiveView runId={props.runId} taskId={w.taskId} url={w.url} onClose={() => setWatching(null)} />}</Show>
    </section>
  );
}

/** One task's page as frames; nothing typed or clicked here reaches it. */
export function TaskLiveView(props: { runId: string; taskId: string; url: string; onClose: () => void }) {
  const [frame, setFrame] = createSignal<Frame | null>(null);
  const [state, setState] = createSignal<'connecting' | 'live' | 'ended' | 'failed'>('connecting');
  const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/v1/runs/${encodeURIComponent(props.runId)}/tasks/${encodeURIComponent(props.taskId)}/live`);
  ws.onopen = () => setState('live');
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as Frame | { type: 'ended' };
    if (msg.type === 'frame') setFrame(msg);
    else setState('ended');
  };
  ws.onclose = () => setState((s) => (s === 'live' || s === 'ended' ? 'ended' : 'failed'));
  onCleanup(() => ws.close());
  return (
    <figure class="live-view" data-testid="live-view">
      <figcaption>
        <span role="status" data-testid="live-state" data-state={state()}>{t(`live.state.${state()}`)}</span>{' '}
        <span class="small">{frame()?.url ?? props.url}</span>{' '}
        <button type="button" class="btn btn-small" data-testid="stop-watching" onClick={() => props.onClose()}>{t('live.stop')}</button>
      </figcaption>
      <Show when={frame()} fallback={<div class="live-frame live-frame-empty" aria-hidden="true" />}>{(f) => (
        <img class="live-frame" data-testid="live-frame" src={`data:image/jpeg;base64,${f().data}`} width={f().width} height={f().height}
          alt={t('live.alt', { url: f().url })} />
      )}</Show>
    </figure>
  );
}
