import { For, Show, createResource, createSignal } from 'solid-js';
import { domainBlockReason } from '@trawl/schemas';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { GuardedButton, GuardedData } from '../ui/guarded.tsx';
import { can } from '../session.ts';

type Policy = ApiData<'/v1/policy', 'get'>;
type Logins = ApiData<'/v1/logins', 'get'>;
type Audit = ApiData<'/v1/audit', 'get'>;
const lines = (s: string) => s.split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean);

/** Domain policy and limits, with a dry run of the edited lists against URLs before saving. */
export function PolicySection() {
  const [policy, { refetch }] = createResource(() => call<Policy>(api.GET('/v1/policy')));
  const [allow, setAllow] = createSignal<string | null>(null);
  const [deny, setDeny] = createSignal<string | null>(null);
  const [probe, setProbe] = createSignal('');
  const [failure, setFailure] = createSignal<unknown>(null);
  const [saved, setSaved] = createSignal(false);
  const allowText = () => allow() ?? policy()?.allowDomains.join('\n') ?? '';
  const denyText = () => deny() ?? policy()?.denyDomains.join('\n') ?? '';
  const dryRun = () => lines(probe()).map((u) => {
    let host = u;
    try { host = new URL(u.includes('://') ? u : `https://${u}`).hostname; } catch { /* keep as typed */ }
    return { url: u, reason: domainBlockReason(host, { allowDomains: lines(allowText()), denyDomains: lines(denyText()) }) };
  });
  const save = async () => {
    setFailure(null); setSaved(false);
    try { await call(api.PUT('/v1/policy', { body: { allowDomains: lines(allowText()), denyDomains: lines(denyText()) } as never })); setSaved(true); await refetch(); } catch (err) { setFailure(err); }
  };
  return (
    <section aria-labelledby="policy-head" class="card">
      <h2 id="policy-head">{t('settings.policy')}</h2>
      <Show when={!policy.error} fallback={<ErrorBox error={policy.error} />}>
        <Show when={policy()} fallback={<Loading />}>{(p) => (
          <>
            <div class="row">
              <div class="ctl"><label for="allow-list">{t('settings.allow')}</label><textarea id="allow-list" rows={4} value={allowText()} onInput={(e) => setAllow(e.currentTarget.value)} readOnly={!can('policy:write')} /></div>
              <div class="ctl"><label for="deny-list">{t('settings.deny')}</label><textarea id="deny-list" rows={4} value={denyText()} onInput={(e) => setDeny(e.currentTarget.value)} readOnly={!can('policy:write')} /></div>
              <div class="ctl"><label for="dry-run">{t('settings.dryRun')}</label><textarea id="dry-run" rows={4} value={probe()} onInput={(e) => setProbe(e.currentTarget.value)} placeholder="https://shop.example.com/a" /></div>
            </div>
            <ul class="plain-list" aria-live="polite"><For each={dryRun()}>{(r) => <li><code>{r.url}</code>: {r.reason ? <span class="bad">{t('settings.blocked', { reason: r.reason })}</span> : <span class="ok">{t('settings.allowed')}</span>}</li>}</For></ul>
            <dl class="kv">
              <dt>{t('settings.siteMax')}</dt><dd>{p().effective.siteMaxConcurrent}</dd>
              <dt>{t('settings.siteDelay')}</dt><dd>{p().effective.siteMinDelayMs} ms</dd>
              <dt>{t('settings.orgTasks')}</dt><dd>{p().effective.orgMaxTasksInFlight}</dd>
              <dt>{t('settings.orgRuns')}</dt><dd>{p().effective.maxConcurrentRuns}</dd>
            </dl>
            <GuardedButton permission="policy:write" onClick={() => void save()}>{t('settings.savePolicy')}</GuardedButton>
            <Show when={saved()}><span role="status" class="ok">{t('editor.saved')}</span></Show>
          </>
        )}</Show>
      </Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </section>
  );
}

/** Stored logins: names only; the secrets are write-only (a new one is a new login). */
export function LoginsSection() {
  const [logins, { refetch }] = createResource(() => call<Logins>(api.GET('/v1/logins')));
  const [name, setName] = createSignal('');
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [loginUrl, setLoginUrl] = createSignal('');
  const [failure, setFailure] = createSignal<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => { setFailure(null); try { await fn(); await refetch(); } catch (err) { setFailure(err); } };
  const create = () => act(() => call(api.POST('/v1/logins', { body: {
    name: name(), credential: { username: username(), password: password() },
    flow: { url: loginUrl(), steps: [{ do: 'fill', selector: 'input[name="username"]', value: '{{username}}' }, { do: 'fill', selector: 'input[type="password"]', value: '{{password}}' }, { do: 'press', key: 'Enter' }] },
  } as never })).then(() => { setPassword(''); }));
  return (
    <section aria-labelledby="logins-head" class="card">
      <h2 id="logins-head">{t('settings.logins')}</h2>
      <Show when={!logins.error} fallback={<ErrorBox error={logins.error} />}>
        <Show when={logins()} fallback={<Loading />}>
          <ul class="plain-list"><For each={logins()!.data} fallback={<li class="muted">{t('settings.noLogins')}</li>}>{(l) => (
            <li>{String(l.name)} <code class="small">{String(l.id)}</code> <GuardedButton permission="jobs:write" class="btn btn-quiet" onClick={() => void act(() => call(api.DELETE('/v1/logins/{id}', { params: { path: { id: String(l.id) } } })))}>{t('settings.remove')}</GuardedButton></li>
          )}</For></ul>
        </Show>
      </Show>
      <div class="inline-form">
        <label>{t('settings.keyName')} <input type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} disabled={!can('jobs:write')} /></label>
        <label>{t('settings.loginUrl')} <input type="url" value={loginUrl()} onInput={(e) => setLoginUrl(e.currentTarget.value)} disabled={!can('jobs:write')} /></label>
        <label>{t('settings.username')} <input type="text" autocomplete="off" value={username()} onInput={(e) => setUsername(e.currentTarget.value)} disabled={!can('jobs:write')} /></label>
        <label>{t('settings.password')} <input type="password" autocomplete="new-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} disabled={!can('jobs:write')} /></label>
        <GuardedButton permission="jobs:write" onClick={() => void create()}>{t('settings.addLogin')}</GuardedButton>
      </div>
      <p class="muted small">{t('settings.writeOnly')}</p>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </section>
  );
}

export function AuditSection() {
  const [audit] = createResource(() => (can('audit:read') ? call<Audit>(api.GET('/v1/audit', { params: { query: { limit: 50 } } })) : Promise.resolve(null)));
  return (
    <section aria-labelledby="audit-head" class="card">
      <h2 id="audit-head">{t('settings.audit')}</h2>
      <GuardedData permission="audit:read" resource={audit}>{(auditData) => (<>
        <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}><table class="table small">
          <thead><tr><th scope="col">{t('settings.when')}</th><th scope="col">{t('settings.who')}</th><th scope="col">{t('settings.what')}</th><th scope="col">{t('settings.from')}</th></tr></thead>
          <tbody><For each={auditData().data}>{(a) => <tr><td>{formatTime(a.createdAt)}</td><td>{a.actor}</td><td>{a.action} <code>{a.target}</code></td><td>{a.ip ?? '—'}</td></tr>}</For></tbody>
        </table></div>
      </>)}</GuardedData>
    </section>
  );
}
