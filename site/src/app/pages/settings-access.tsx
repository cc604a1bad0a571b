import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t, type MessageKey } from '../i18n/index.ts';
import { ErrorBox } from '../ui/error-box.tsx';
import { GuardedButton, GuardedData } from '../ui/guarded.tsx';
import { can, me } from '../session.ts';

type Members = ApiData<'/v1/members', 'get'>;
type Keys = ApiData<'/v1/keys', 'get'>;
const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;

/** Members, roles and invitation links. */
export function MembersSection() {
  const [members, { refetch }] = createResource(() => (can('members:read') ? call<Members>(api.GET('/v1/members')) : Promise.resolve(null)));
  const [inviteRole, setInviteRole] = createSignal<(typeof ROLES)[number]>('viewer');
  const [link, setLink] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => { setFailure(null); try { await fn(); await refetch(); } catch (err) { setFailure(err); } };
  return (
    <section aria-labelledby="members-head" class="card">
      <h2 id="members-head">{t('settings.members')}</h2>
      <GuardedData permission="members:read" resource={members}>{(membersData) => (<>
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}><table class="table">
          <thead><tr><th scope="col">{t('settings.person')}</th><th scope="col">{t('settings.role')}</th><th scope="col">{t('settings.since')}</th><th scope="col"><span class="sr-only">{t('common.actions')}</span></th></tr></thead>
          <tbody><For each={membersData().data}>{(m) => (
            <tr>
              <td>{m.name}<div class="muted small">{m.email}</div></td>
              <td><select aria-label={t('settings.roleOf', { name: m.name })} value={m.role} disabled={!can('members:write')} onChange={(e) => void act(() => call(api.PATCH('/v1/members/{id}', { params: { path: { id: m.userId } }, body: { role: e.currentTarget.value as 'viewer' } })))}>
                <For each={ROLES}>{(r) => <option value={r}>{t(`role.${r}` as MessageKey)}</option>}</For>
              </select></td>
              <td>{formatTime(m.createdAt)}</td>
              <td><GuardedButton permission="members:write" class="btn btn-quiet" onClick={() => void act(() => call(api.DELETE('/v1/members/{id}', { params: { path: { id: m.userId } } })))}>{m.userId === me()?.user?.id ? t('settings.leave') : t('settings.remove')}</GuardedButton></td>
            </tr>
          )}</For></tbody>
        </table></div>
      </>)}</GuardedData>
      <div class="inline-form">
        <label>{t('settings.inviteAs')} <select value={inviteRole()} onChange={(e) => setInviteRole(e.currentTarget.value as 'viewer')} disabled={!can('members:write')}>
          <For each={ROLES}>{(r) => <option value={r}>{t(`role.${r}` as MessageKey)}</option>}</For>
        </select></label>
        <GuardedButton permission="members:write" onClick={() => void act(async () => setLink((await call<{ link: string }>(api.POST('/v1/invitations', { body: { role: inviteRole() } }))).link))}>{t('settings.invite')}</GuardedButton>
      </div>
      <Show when={link()}><p class="secret" role="status">{t('settings.inviteLink')} <code>{link()}</code></p></Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </section>
  );
}

/** API keys: secret and publishable; a new secret is shown once. */
export function KeysSection() {
  const [keys, { refetch }] = createResource(() => (can('keys:read') ? call<Keys>(api.GET('/v1/keys', { params: { query: { limit: 100 } } })) : Promise.resolve(null)));
  const [name, setName] = createSignal('');
  const [kind, setKind] = createSignal<'secret' | 'publishable'>('secret');
  const [role, setRole] = createSignal<(typeof ROLES)[number]>('viewer');
  const [secret, setSecret] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const create = async () => {
    setFailure(null); setSecret(null);
    const body = kind() === 'secret' ? { kind: 'secret' as const, name: name() || 'key', role: role(), scopes: ['*' as const] } : { kind: 'publishable' as const, name: name() || 'widget', jobIds: [] };
    try { setSecret((await call<{ key: string }>(api.POST('/v1/keys', { body: body as never }))).key); await refetch(); } catch (err) { setFailure(err); }
  };
  const revoke = async (id: string) => { setFailure(null); try { await call(api.DELETE('/v1/keys/{id}', { params: { path: { id } } })); await refetch(); } catch (err) { setFailure(err); } };
  return (
    <section aria-labelledby="keys-head" class="card">
      <h2 id="keys-head">{t('settings.keys')}</h2>
      <GuardedData permission="keys:read" resource={keys}>{(keysData) => (<>
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}><table class="table">
          <thead><tr><th scope="col">{t('settings.keyName')}</th><th scope="col">{t('settings.kind')}</th><th scope="col">{t('settings.role')}</th><th scope="col">{t('settings.lastUsed')}</th><th scope="col"><span class="sr-only">{t('common.actions')}</span></th></tr></thead>
          <tbody><For each={keysData().data}>{(k) => (
            <tr><td>{k.name} <code class="small">{k.prefix}…</code></td><td>{k.kind}</td><td>{k.role}</td><td>{k.revokedAt ? t('settings.revoked') : formatTime(k.lastUsedAt)}</td>
              <td><Show when={!k.revokedAt}><GuardedButton permission="keys:write" class="btn btn-quiet" onClick={() => void revoke(k.id)}>{t('settings.revoke')}</GuardedButton></Show></td></tr>
          )}</For></tbody>
        </table></div>
      </>)}</GuardedData>
      <div class="inline-form">
        <label>{t('settings.keyName')} <input type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} disabled={!can('keys:write')} /></label>
        <label>{t('settings.kind')} <select value={kind()} onChange={(e) => setKind(e.currentTarget.value as 'secret')} disabled={!can('keys:write')}><option value="secret">{t('settings.secretKey')}</option><option value="publishable">{t('settings.publishableKey')}</option></select></label>
        <Show when={kind() === 'secret'}><label>{t('settings.role')} <select value={role()} onChange={(e) => setRole(e.currentTarget.value as 'viewer')} disabled={!can('keys:write')}><For each={ROLES}>{(r) => <option value={r}>{t(`role.${r}` as MessageKey)}</option>}</For></select></label></Show>
        <GuardedButton permission="keys:write" onClick={() => void create()}>{t('settings.createKey')}</GuardedButton>
      </div>
      <Show when={secret()}><p class="secret" role="status" data-testid="new-secret">{t('settings.secretOnce')} <code>{secret()}</code></p></Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </section>
  );
}
