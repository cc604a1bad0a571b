import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox } from '../ui/error-box.tsx';
import { GuardedButton, GuardedData } from '../ui/guarded.tsx';
import { can } from '../session.ts';

type Endpoints = ApiData<'/v1/notifications/endpoints', 'get'>;
type Endpoint = Endpoints['data'][number];
type Deliveries = ApiData<'/v1/notifications/endpoints/{id}/deliveries', 'get'>;

/**
 * Notification endpoints (ADR 0046, screens ADR 0059): list, add (the API checks the URL against egress rules and
 * its refusal is shown with its hint), the signing secret shown once, rotate, enable, delete, and each delivery log.
 */
export function NotificationsSection() {
  const [endpoints, { refetch }] = createResource(() => (can('notifications:read') ? call<Endpoints>(api.GET('/v1/notifications/endpoints')) : Promise.resolve(null)));
  const [kind, setKind] = createSignal<'webhook' | 'email'>('webhook');
  const [name, setName] = createSignal('');
  const [target, setTarget] = createSignal('');
  const [secret, setSecret] = createSignal<string | null>(null);
  const [open, setOpen] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => { setFailure(null); setSecret(null); try { await fn(); await refetch(); } catch (err) { setFailure(err); } };
  const create = () => act(async () => {
    const body = kind() === 'webhook' ? { kind: 'webhook' as const, name: name().trim(), url: target().trim() } : { kind: 'email' as const, name: name().trim(), email: target().trim() };
    const made = await call<{ secret: string | null }>(api.POST('/v1/notifications/endpoints', { body }));
    setSecret(made.secret); setName(''); setTarget('');
  });
  const path = (id: string) => ({ params: { path: { id } } });
  const rotate = (id: string) => act(async () => { const r = await call<{ secret: string | null }>(api.POST('/v1/notifications/endpoints/{id}/rotate-secret', path(id))); setSecret(r.secret); });
  const enable = (id: string) => act(() => call(api.POST('/v1/notifications/endpoints/{id}/enable', path(id))));
  const remove = (e: Endpoint) => { if (confirm(t('notify.confirmDelete', { name: e.name }))) void act(() => call(api.DELETE('/v1/notifications/endpoints/{id}', path(e.id)))); };
  return (
    <section aria-labelledby="notify-head" class="card">
      <h2 id="notify-head">{t('notify.title')}</h2>
      <p class="muted small">{t('notify.intro')}</p>
      <GuardedData permission="notifications:read" resource={endpoints}>{(data) => (
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('notify.title')}><table class="table" data-testid="endpoints-table">
          <thead><tr><th scope="col">{t('notify.name')}</th><th scope="col">{t('notify.kind')}</th><th scope="col">{t('notify.target')}</th><th scope="col">{t('notify.state')}</th><th scope="col"><span class="sr-only">{t('common.actions')}</span></th></tr></thead>
          <tbody><For each={data().data} fallback={<tr><td colSpan={5}>{t('notify.none')}</td></tr>}>{(e) => (<>
            <tr data-testid="endpoint-row">
              <td>{e.name}</td><td>{t(e.kind === 'webhook' ? 'notify.webhook' : 'notify.email')}</td><td class="small"><code>{e.url ?? e.email}</code></td>
              <td data-testid="endpoint-state">{e.enabled ? t('notify.enabled') : t('notify.disabled', { reason: e.disabledReason ?? '' })}</td>
              <td class="actions">
                <button type="button" class="btn btn-quiet" aria-expanded={open() === e.id} data-testid="endpoint-log" onClick={() => setOpen(open() === e.id ? null : e.id)}>{t('notify.log')}</button>
                <Show when={e.kind === 'webhook'}><GuardedButton permission="notifications:write" class="btn btn-quiet" testId="endpoint-rotate" onClick={() => void rotate(e.id)}>{t('notify.rotate')}</GuardedButton></Show>
                <Show when={!e.enabled}><GuardedButton permission="notifications:write" class="btn btn-quiet" testId="endpoint-enable" onClick={() => void enable(e.id)}>{t('notify.enable')}</GuardedButton></Show>
                <GuardedButton permission="notifications:write" class="btn btn-quiet" testId="endpoint-delete" onClick={() => remove(e)}>{t('notify.delete')}</GuardedButton>
              </td>
            </tr>
            <Show when={open() === e.id}><tr><td colSpan={5}><DeliveryLog endpointId={e.id} /></td></tr></Show>
          </>)}</For></tbody>
        </table></div>
      )}</GuardedData>
      <form class="inline-form" data-testid="endpoint-form" onSubmit={(ev) => { ev.preventDefault(); void create(); }}>
        <label>{t('notify.kind')} <select value={kind()} onChange={(ev) => setKind(ev.currentTarget.value as 'webhook')} disabled={!can('notifications:write')}>
          <option value="webhook">{t('notify.webhook')}</option><option value="email">{t('notify.email')}</option></select></label>
        <label>{t('notify.name')} <input data-testid="endpoint-name" value={name()} onInput={(ev) => setName(ev.currentTarget.value)} disabled={!can('notifications:write')} /></label>
        <label>{kind() === 'webhook' ? t('notify.url') : t('notify.address')} <input data-testid="endpoint-target" type={kind() === 'webhook' ? 'url' : 'email'} value={target()} onInput={(ev) => setTarget(ev.currentTarget.value)} disabled={!can('notifications:write')} /></label>
        <GuardedButton permission="notifications:write" type="submit" class="btn btn-primary" testId="endpoint-create" onClick={() => undefined}>{t('notify.create')}</GuardedButton>
      </form>
      <Show when={secret()}><p class="secret" role="status">{t('notify.secretOnce')} <code data-testid="endpoint-secret">{secret()}</code></p></Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </section>
  );
}

/** One endpoint's deliveries, newest first, each with its last attempt and a redeliver button. */
function DeliveryLog(props: { endpointId: string }) {
  const [log, { refetch }] = createResource(() => call<Deliveries>(api.GET('/v1/notifications/endpoints/{id}/deliveries', { params: { path: { id: props.endpointId }, query: { limit: 50 } } })));
  const [failure, setFailure] = createSignal<unknown>(null);
  const [done, setDone] = createSignal('');
  const redeliver = async (id: string) => {
    setFailure(null); setDone('');
    try { await call(api.POST('/v1/notifications/deliveries/{id}/redeliver', { params: { path: { id } } })); setDone(t('notify.redelivered')); await refetch(); } catch (err) { setFailure(err); }
  };
  return (
    <div data-testid="delivery-log">
      <button type="button" class="btn btn-quiet" onClick={() => void refetch()}>{t('notify.refresh')}</button>
      <Show when={!log.error} fallback={<ErrorBox error={log.error} />}>
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('notify.log')}><table class="table">
          <caption class="sr-only">{t('notify.log')}</caption>
          <thead><tr><th scope="col">{t('notify.event')}</th><th scope="col">{t('notify.status')}</th><th scope="col">{t('notify.attempts')}</th><th scope="col">{t('notify.response')}</th><th scope="col">{t('notify.time')}</th><th scope="col"><span class="sr-only">{t('common.actions')}</span></th></tr></thead>
          <tbody><For each={log()?.data ?? []} fallback={<tr><td colSpan={6}>{log.loading ? t('common.loading') : t('notify.noDeliveries')}</td></tr>}>{(d) => {
            const last = () => d.attempts[d.attempts.length - 1];
            return (
              <tr data-testid="delivery-row">
                <td>{d.event}</td><td data-testid="delivery-status">{t(`notify.status.${d.status}`)}</td><td data-testid="delivery-attempts">{d.attempts.length}</td>
                <td data-testid="delivery-code">{last()?.responseCode ?? last()?.error ?? '—'}</td><td>{formatTime(d.updatedAt)}</td>
                <td><GuardedButton permission="notifications:write" class="btn btn-quiet" testId="delivery-redeliver" disabled={d.status === 'pending'} onClick={() => void redeliver(d.id)}>{t('notify.redeliver')}</GuardedButton></td>
              </tr>
            );
          }}</For></tbody>
        </table></div>
      </Show>
      <Show when={done()}><p role="status" class="ok">{done()}</p></Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </div>
  );
}
