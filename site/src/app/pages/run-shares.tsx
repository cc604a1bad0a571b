import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox } from '../ui/error-box.tsx';
import { GuardedButton } from '../ui/guarded.tsx';
import { can } from '../session.ts';

type Shares = ApiData<'/v1/runs/{id}/shares', 'get'>;
type NewShare = ApiData<'/v1/runs/{id}/shares', 'post'>;

/**
 * Read-only links for people outside the organization (ADR 0036): Owner, Admin and Editor make and revoke them;
 * everyone in the organization sees the list. The link (with its token) is shown once, when it is made.
 */
export function RunShares(props: { runId: string }) {
  const [shares, { refetch }] = createResource(() => call<Shares>(api.GET('/v1/runs/{id}/shares', { params: { path: { id: props.runId } } })));
  const [hours, setHours] = createSignal('72');
  const [showResults, setShowResults] = createSignal(false);
  const [made, setMade] = createSignal<NewShare | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => { setFailure(null); try { await fn(); await refetch(); } catch (err) { setFailure(err); } };
  const create = () => act(async () => setMade(await call<NewShare>(api.POST('/v1/runs/{id}/shares', {
    params: { path: { id: props.runId } }, body: { expiresInHours: Number(hours()), showResults: showResults() },
  }))));
  const state = (s: Shares['data'][number]) => (s.revokedAt ? t('share.revoked') : s.active ? t('share.until', { time: formatTime(s.expiresAt) }) : t('share.expired'));
  return (
    <section aria-labelledby="shares-head" class="card" data-testid="run-shares">
      <h2 id="shares-head">{t('share.title')}</h2>
      <p class="muted small">{t('share.intro')}</p>
      <div class="inline-form">
        <label>{t('share.expires')} <input id="share-hours" type="number" min="1" max="720" value={hours()} onInput={(e) => setHours(e.currentTarget.value)} disabled={!can('runs:write')} /></label>
        <label><input id="share-results" type="checkbox" checked={showResults()} onChange={(e) => setShowResults(e.currentTarget.checked)} disabled={!can('runs:write')} /> {t('share.showResults')}</label>
        <GuardedButton permission="runs:write" onClick={() => void create()} testId="create-share">{t('share.create')}</GuardedButton>
      </div>
      <Show when={made()}>{(m) => <p role="status">{t('share.link')} <a href={m().url} data-testid="share-url">{m().url}</a></p>}</Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
      <h3>{t('share.list')}</h3>
      <Show when={!shares.error} fallback={<ErrorBox error={shares.error} />}>
        <ul class="plain-list" data-testid="share-list"><For each={shares()?.data ?? []} fallback={<li class="muted">{t('share.none')}</li>}>{(s) => (
          <li data-share={s.id}><code class="small">{s.id}</code> {state(s)}{s.showResults ? ` · ${t('share.showResults')}` : ''}{' '}
            <Show when={s.active}><GuardedButton permission="runs:write" class="btn btn-quiet" testId={`revoke-${s.id}`} onClick={() => void act(() => call(api.DELETE('/v1/shares/{id}', { params: { path: { id: s.id } } })))}>{t('share.revoke')}</GuardedButton></Show>
          </li>
        )}</For></ul>
      </Show>
    </section>
  );
}
