import { Show, createSignal } from 'solid-js';
import { t } from '../i18n/index.ts';
import { LiveBrowser, type LiveBrowserHandle } from './LiveBrowser.tsx';

/**
 * The login hand-off screen (issue #13 §3, ADR 0044): a member signs in to the site in a live browser (a one-time
 * code, a captcha) and saves; the session's cookies and localStorage go from the fleet node to the edge, which seals
 * them into the stored login. Nothing of the state comes back here: only that it was saved.
 */
export function LoginHandoff(props: { loginId: string; loginName: string; defaultUrl: string; onDone: () => void }) {
  const [url, setUrl] = createSignal(props.defaultUrl);
  const [open, setOpen] = createSignal(false);
  const [state, setState] = createSignal<'idle' | 'saving' | 'saved' | 'closed'>('idle');
  let handle: LiveBrowserHandle | null = null;
  const socketUrl = () => `/v1/logins/${encodeURIComponent(props.loginId)}/handoff?url=${encodeURIComponent(url())}`;
  const save = () => {
    setState('saving');
    handle?.send({ type: 'save' });
  };
  return (
    <section class="card handoff" aria-labelledby="handoff-head" data-testid="login-handoff">
      <h2 id="handoff-head">{t('handoff.head', { name: props.loginName })}</h2>
      <p class="small">{t('handoff.about')}</p>
      <Show when={!open()} fallback={
        <>
          <LiveBrowser socketUrl={socketUrl()} onReady={(h) => { handle = h; }}
            onClosed={() => { setState((s) => (s === 'saving' ? 'saved' : 'closed')); props.onDone(); }} />
          <div class="toolbar">
            <button type="button" class="btn btn-primary" data-testid="handoff-save" disabled={state() !== 'idle'} onClick={save}>{t('handoff.save')}</button>
            <button type="button" class="btn" onClick={() => { handle?.close(); setOpen(false); }}>{t('handoff.cancel')}</button>
          </div>
        </>
      }>
        <div class="inline-form">
          <label>{t('handoff.url')} <input type="url" data-testid="handoff-url" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} /></label>
          <button type="button" class="btn btn-primary" data-testid="handoff-open" disabled={!url()} onClick={() => { setState('idle'); setOpen(true); }}>{t('handoff.open')}</button>
        </div>
      </Show>
      <Show when={state() === 'saved' || state() === 'closed'}>
        <p role="status" data-testid="handoff-state" data-state={state()}>{t(state() === 'saved' ? 'handoff.saved' : 'handoff.closed')}</p>
      </Show>
    </section>
  );
}
