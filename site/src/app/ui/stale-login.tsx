import { Show, createResource } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { formatTime, t } from '../i18n/index.ts';

type Login = ApiData<'/v1/logins/{id}', 'get'>;

/** Where a member redoes the hand-off for one login: the settings' logins section opens it (the e-mail links here too). */
export const reloginHref = (loginId: string): string => `/app/settings/?handoff=${encodeURIComponent(loginId)}#logins-head`;

/** The stored login a job's spec (as edited, any JSON) names, if any. */
export function loginIdOf(spec: unknown): string | undefined {
  const login = spec && typeof spec === 'object' ? (spec as { login?: unknown }).login : undefined;
  const id = login && typeof login === 'object' ? (login as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The notice a job's editor shows while the job's stored login is stale (issue #13 §3, ADR 0054): said in words
 * (not colour only) with the "sign in again" action. Nothing when the job has no login, it is fine, or unreadable.
 */
export function StaleLoginNotice(props: { loginId: string | undefined }) {
  const [login] = createResource(() => props.loginId, (id) => call<Login>(api.GET('/v1/logins/{id}', { params: { path: { id } } })).catch(() => null));
  return (
    <Show when={login()?.stale ? login() : null}>{(l) => (
      <section class="warning-box" role="status" aria-labelledby="stale-login-head" data-testid="stale-login-notice">
        <h2 id="stale-login-head">{t('stale.head', { name: l().name })}</h2>
        <p class="small">{t('stale.about', { reason: l().stale!.reason, when: formatTime(l().stale!.at) })}</p>
        <a class="btn btn-primary" href={reloginHref(l().id)} data-testid="stale-relogin">{t('stale.relogin')}</a>
      </section>
    )}</Show>
  );
}
