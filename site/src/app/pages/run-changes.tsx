import { For, Show, createSignal } from 'solid-js';
import { api, call, type Run } from '../api.ts';
import { t } from '../i18n/index.ts';
import { ErrorBox } from '../ui/error-box.tsx';
import { GuardedButton } from '../ui/guarded.tsx';

/**
 * The run's change summary and, when the drift guard marked it suspect (ADR 0045), what broke, with the accept
 * button that releases its held change notification (Editor and up).
 */
export function RunChanges(props: { run: Run; onAccepted: (run: Run) => void }) {
  const [failure, setFailure] = createSignal<unknown>(null);
  async function accept() {
    setFailure(null);
    try { props.onAccepted(await call<Run>(api.POST('/v1/runs/{id}/accept', { params: { path: { id: props.run.id } } }))); } catch (err) { setFailure(err); }
  }
  return (
    <>
      <Show when={props.run.changes}>{(c) => (
        <p class="changes" data-testid="run-changes">{t('results.changes', { added: c().added, changed: c().changed, removed: c().removed })}
          {' '}<a href={`/v1/runs/${encodeURIComponent(props.run.id)}/changes?format=csv`} download={`${props.run.id}-changes.csv`}>{t('run.changesDownload')}</a></p>
      )}</Show>
      <Show when={props.run.suspect}>{(s) => (
        <section class="warning-box" role="status" aria-labelledby="suspect-head" data-testid="run-suspect">
          <h2 id="suspect-head">{s().acceptedAt ? t('run.suspectAccepted', { who: s().acceptedBy ?? '?' }) : t('run.suspectHead')}</h2>
          <ul><For each={s().findings}>{(f) => <li data-field={f.field}><code>{f.field}</code>{f.selector ? <> (<code>{f.selector}</code>)</> : null}: {f.message}</li>}</For></ul>
          <Show when={!s().acceptedAt}>
            <p class="small">{t('run.suspectAbout')}</p>
            <GuardedButton permission="runs:write" onClick={() => void accept()} testId="accept-run">{t('run.accept')}</GuardedButton>
          </Show>
          <Show when={failure()}><ErrorBox error={failure()} /></Show>
        </section>
      )}</Show>
    </>
  );
}
