import { For, Show, createEffect, createResource, createSignal, untrack } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { GuardedButton, GuardedData } from '../ui/guarded.tsx';
import { can } from '../session.ts';
import { LoginHandoff } from '../live/login-handoff.tsx';

type Policy = ApiData<'/v1/policy', 'get'>;
type DryRun = ApiData<'/v1/policy/dry-run', 'post'>;
type Logins = ApiData<'/v1/logins', 'get'>;
type Audit = ApiData<'/v1/audit', 'get'>;
const lines = (s: string) => s.split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean);

/** The domain policy, with a server-side dry run of the edited (unsaved) lists against URLs before saving. */
export function PolicySection() {
  const [policy, { refetch }] = createResource(() => call<Policy>(api.GET('/v1/policy')));
  const [allow, setAllow] = createSignal<string | null>(null);
  const [deny, setDeny] = createSignal<string | null>(null);
  const [probe, setProbe] = createSignal('');
  const [failure, setFailure] = createSignal<unknown>(null);
  const [saved, setSaved] = createSignal(false);
  const allowText = () => allow() ?? policy()?.allowDomains.join('\n') ?? '';
  const denyText = () => deny() ?? policy()?.denyDomains.join('\n') ?? '';
  const [verdicts, setVerdicts] = createSignal<DryRun['results'] | null>(null);
  const dryRun = async () => {
    setFailure(null); setVerdicts(null);
    // The same check a job's save and its run go through, on the server, against the lists as edited.
    const urls = probe().split('\n').map((l) => l.trim()).filter(Boolean);
    try { setVerdicts((await call<DryRun>(api.POST('/v1/policy/dry-run', { body: { policy: { allowDomains: lines(allowText()), denyDomains: lines(denyText()) }, urls } }))).results); } catch (err) { setFailure(err); }
  };
  const save = async () => {
    setFailure(null); setSaved(false);
    // PUT /v1/policy replaces the limits too: send the ones stored now (the Limits section may have changed them
    // since this section loaded), so saving the lists leaves the limits as they are.
    try {
      const { limits } = await call<Policy>(api.GET('/v1/policy'));
      await call(api.PUT('/v1/policy', { body: { allowDomains: lines(allowText()), denyDomains: lines(denyText()), limits } as never }));
      setSaved(true); await refetch();
    } catch (err) { setFailure(err); }
  };
  const ruleText = (v: DryRun['results'][number]) => (v.rule === 'deny' ? t('dryRun.rule.deny', { entry: v.entry ?? '' }) : t(`dryRun.rule.${v.rule ?? 'host'}`));
  return (
    <section aria-labelledby="policy-head" class="card">
      <h2 id="policy-head">{t('settings.policy')}</h2>
      <Show when={!policy.error} fallback={<ErrorBox error={policy.error} />}>
        <Show when={policy()} fallback={<Loading />}>
          <>
            <div class="row">
              <div class="ctl"><label for="allow-list">{t('settings.allow')}</label><textarea id="allow-list" rows={4} value={allowText()} onInput={(e) => setAllow(e.currentTarget.value)} readOnly={!can('policy:write')} /></div>
              <div class="ctl"><label for="deny-list">{t('settings.deny')}</label><textarea id="deny-list" rows={4} value={denyText()} onInput={(e) => setDeny(e.currentTarget.value)} readOnly={!can('policy:write')} /></div>
              <div class="ctl"><label for="dry-run">{t('settings.dryRun')}</label><textarea id="dry-run" rows={4} value={probe()} onInput={(e) => setProbe(e.currentTarget.value)} placeholder="https://shop.example.com/a" /></div>
            </div>
            <p class="muted small" id="dry-run-help">{t('dryRun.help')}</p>
            <button type="button" class="btn" data-testid="dry-run-button" aria-describedby="dry-run-help" onClick={() => void dryRun()}>{t('dryRun.check')}</button>
            <ul class="plain-list" aria-live="polite" aria-label={t('dryRun.results')} data-testid="dry-run-results"><For each={verdicts() ?? []}>{(v) => (
              <li data-allowed={String(v.allowed)}><code>{v.url}</code>: {v.allowed ? <span class="ok">{t('dryRun.allowed')}</span>
                : <span class="bad">{t('dryRun.refused')} ({ruleText(v)}: {v.reason}) <a href={`/app/errors/${v.code}/`}>{v.code}</a></span>}</li>
            )}</For></ul>
            <GuardedButton permission="policy:write" onClick={() => void save()}>{t('settings.savePolicy')}</GuardedButton>
            <Show when={saved()}><span role="status" class="ok">{t('editor.saved')}</span></Show>
          </>
        </Show>
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
  const [handoff, setHandoff] = createSignal<{ id: string; name: string; url: string } | null>(null);
  // The stale-login e-mail and notice link here with ?handoff=<id>: open that login's hand-off once the list is in.
  createEffect(() => {
    const wanted = new URLSearchParams(location.search).get('handoff');
    const l = wanted && !handoff() ? logins()?.data.find((x) => x.id === wanted) : undefined;
    if (l) untrack(() => setHandoff({ id: l.id, name: l.name, url: l.flow?.url ?? '' }));
  });
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
            <li data-testid="login-row" data-login={String(l.id)}>{String(l.name)} <code class="small">{String(l.id)}</code>
              <Show when={l.stale}>{(s) => <> <span class="pill pill-partial" data-testid="login-stale">{t('stale.badge')}</span> <span class="small">{t('stale.since', { when: formatTime(s().at), reason: s().reason, runId: s().runId })}</span>{' '}
                <GuardedButton permission="jobs:write" class="btn btn-primary" testId="relogin" onClick={() => setHandoff({ id: String(l.id), name: String(l.name), url: l.flow?.url ?? '' })}>{t('stale.relogin')}</GuardedButton></>}</Show>
              {' '}<GuardedButton permission="jobs:write" class="btn btn-quiet" onClick={() => void act(() => call(api.DELETE('/v1/logins/{id}', { params: { path: { id: String(l.id) } } })))}>{t('settings.remove')}</GuardedButton>
              {' '}<GuardedButton permission="jobs:write" class="btn btn-quiet" testId="handoff-start" onClick={() => setHandoff({ id: String(l.id), name: String(l.name), url: l.flow?.url ?? '' })}>{t('handoff.start')}</GuardedButton></li>
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
      <Show when={handoff()} keyed>{(h) => <LoginHandoff loginId={h.id} loginName={h.name} defaultUrl={h.url} onDone={() => void refetch()} />}</Show>
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
